import { test, expect, expectAccessible, Page } from "../fixtures";
import { SignInPage } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";

// Every page of every role, axe-checked in each of the three languages.
// Each role is one demo user no other spec signs in as, so switching their
// (remembered) language disturbs nobody; their own language comes last, so
// the demo is left as seeded.

const LOCALES = ["en", "sv", "nl"] as const;
type Locale = (typeof LOCALES)[number];

/** The language switcher, whatever language the page is in. */
async function switchTo(page: Page, locale: Locale) {
  await page.locator(".language-switcher select").selectOption(locale);
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
}

/** Visits `path`, waits for `ready`, and checks the page with axe. */
async function check(page: Page, path: string, ready: string) {
  await page.goto(path);
  await expect(page.locator(ready).first()).toBeVisible();
  await expectAccessible(page);
}

/** The languages to run in, ending with the user's own. */
function order(own: Locale): Locale[] {
  return [...LOCALES.filter((l) => l !== own), own];
}

async function signIn(page: Page, email: string) {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(email);
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** The first case of the list at `path`, by its id link. */
async function firstCase(page: Page, path: string): Promise<string> {
  await page.goto(path);
  const inbox = new InboxPage(page);
  await inbox.expectSettled();
  return (await inbox.caseLinks().first().textContent())!.trim();
}

const TABS = ["receipt", "messages", "notes", "events"];

// Two dozen full page loads, each axe-checked: more than the default minute.
test.describe.configure({ timeout: 240_000 });

test("a merchant's pages are accessible in English, Swedish and Dutch", async ({ page }) => {
  await signIn(page, "olle@fjalloutdoor.example");
  const id = await firstCase(page, "/inbox/open");
  for (const locale of order("sv")) {
    await switchTo(page, locale);
    for (const inbox of ["open", "parked", "approved"]) {
      await check(page, `/inbox/${inbox}`, ".inbox-results[aria-busy=false]");
    }
    for (const tab of TABS) {
      await check(page, `/cases/${id}/${tab}`, `[aria-current=page][href$="/${tab}"]`);
    }
    await check(page, "/quick-texts", "h1");
    await check(page, "/metrics", "[data-testid=score-satisfaction]");
  }
});

test("a customer's pages are accessible in English, Swedish and Dutch", async ({ page }) => {
  await signIn(page, "elin.karlsson@kund.example");
  const id = await firstCase(page, "/inbox/mine");
  for (const locale of order("sv")) {
    await switchTo(page, locale);
    await check(page, "/inbox/mine", ".inbox-results[aria-busy=false]");
    await check(page, "/orders", "article.order-card");
    await check(page, "/report", "form");
    for (const tab of ["receipt", "messages"]) {
      await check(page, `/cases/${id}/${tab}`, `[aria-current=page][href$="/${tab}"]`);
    }
  }
});

test("support's pages are accessible in English, Swedish and Dutch, and All cases narrows to a merchant", async ({ page }) => {
  await signIn(page, "support@plein.example");
  const id = await firstCase(page, "/inbox/all");
  for (const locale of order("nl")) {
    await switchTo(page, locale);
    for (const inbox of ["platform_review", "escalated", "disputes", "all"]) {
      await check(page, `/inbox/${inbox}`, ".inbox-results[aria-busy=false]");
    }
    for (const tab of TABS) {
      await check(page, `/cases/${id}/${tab}`, `[aria-current=page][href$="/${tab}"]`);
    }
    await check(page, "/policy", "form.policy-form");
    await check(page, "/metrics", "table.ranking");
    await check(page, "/report", "form");
  }
  // In Dutch now: All cases, narrowed to one of the marketplace's merchants.
  await page.goto("/inbox/all");
  const inbox = new InboxPage(page);
  await inbox.expectSettled();
  const filter = page.locator("#filter-merchant");
  await expect(page.getByRole("combobox", { name: "Verkoper", exact: true })).toBeVisible();
  // Exactly the marketplace's merchants, by name, after "any".
  await expect(filter.locator("option")).toHaveText(["Alle verkopers", "Studio Klei", "Tulp & Co"]);
  await filter.selectOption({ label: "Studio Klei" });
  await expect(page).toHaveURL(/merchant=\d+/);
  await inbox.expectSettled();
  await expect(inbox.rows.first()).toBeVisible();
  const merchants = await inbox.rows.locator("td").filter({ hasText: /^(Studio Klei|Tulp & Co)$/ }).allTextContents();
  expect(merchants.length).toBeGreaterThan(0);
  expect(new Set(merchants)).toEqual(new Set(["Studio Klei"]));
  await expectAccessible(page);
  // The filter lives in the address: a reload keeps it.
  await page.reload();
  await expect(page.locator("#filter-merchant")).toHaveValue(/\d+/);
  await page.locator("#filter-merchant").selectOption({ label: "Alle verkopers" });
  await expect(page).not.toHaveURL(/merchant=/);
});
