import { test, expect, expectAccessible, users } from "../fixtures";
import { SignInPage } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";
import { CasePage } from "../pages/case-page";

test("a customer sees My cases in Swedish, in customer wording", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.customer.email);
  const inbox = new InboxPage(page);
  await expect(page).toHaveURL(/\/inbox\/mine$/);
  await inbox.expectHeading("Mina ärenden");
  await expect(inbox.rows.first()).toBeVisible();
  for (const status of await inbox.statuses()) {
    expect(["Inskickat", "Pågår", "Plattformen granskar", "Löst", "Avslaget"]).toContain(status);
  }
  // Merchant-only inboxes are not offered.
  await expect(page.getByRole("link", { name: "Öppna" })).toHaveCount(0);
  // In her shape: who handles each case and what happens next, not
  // herself as the customer.
  await expect(page.getByRole("columnheader", { name: "Vad händer nu" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Handlare" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Kund" })).toHaveCount(0);
  await expect(page.locator("#filter-min-value")).toHaveCount(0);
  await expect(inbox.rows.filter({ hasText: /Väntar på svar från|väntar på ditt svar|Stängt|granskar/ }).first()).toBeVisible();
  await expectAccessible(page);

  const id = await inbox.openFirstCase();
  await new CasePage(page).expectCase(id);
  await expect(page.getByText("Lisa Andersson").first()).toBeVisible();
  await expectAccessible(page);
});

test("a retailer sees their wholesale cases in Dutch", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.retailer.email);
  const inbox = new InboxPage(page);
  await inbox.expectHeading("Mijn meldingen");
  await inbox.openFirstCase();
  await expect(page.getByText("De Winkel BV")).toBeVisible();
  await expect(page.getByText("Winkelier", { exact: false })).toBeVisible();
  await expectAccessible(page);
});

test("marketplace support sees the platform review queue of every merchant", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.support.email);
  const inbox = new InboxPage(page);
  await expect(page).toHaveURL(/\/inbox\/platform_review$/);
  await inbox.expectHeading("Platform review");
  await expect(inbox.rows.first()).toBeVisible();
  for (const status of await inbox.statuses()) {
    expect(status).toBe("Platform reviewing");
  }
  await expect(page.getByRole("columnheader", { name: "Merchant" })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("link", { name: "All cases" }).click();
  await inbox.expectHeading("All cases");
  await inbox.expectSettled();
  const merchants = new Set(await inbox.rows.locator("td:nth-of-type(4)").allTextContents());
  expect(merchants.size).toBeGreaterThan(1);
  await inbox.openFirstCase();
  await expect(page.getByTestId("order-number")).toBeVisible();
  await expectAccessible(page);
});

test("a customer's orders show their cases and lead to a report on that order", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.customer.email);
  await expect(page.getByTestId("current-user")).toBeVisible();
  await page.getByRole("link", { name: "Mina ordrar" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mina ordrar");
  const cards = page.locator("article.order-card");
  await expect(cards.first()).toBeVisible();
  // Some order of Lisa's already has a case, linked from its card.
  const withCase = cards.filter({ has: page.locator(".order-cases a") }).first();
  await expect(withCase.locator(".order-cases a").first()).toHaveText(/^C-\d+$/);
  await expectAccessible(page);
  // "Report a problem" on an order opens the form on that order.
  const card = cards.filter({ has: page.getByRole("link", { name: /^Anmäl ett problem med order/ }) }).first();
  const heading = (await card.getByRole("heading").textContent())!;
  const number = heading.split(" · ")[0];
  await card.getByRole("link", { name: `Anmäl ett problem med order ${number}` }).click();
  await expect(page).toHaveURL(/\/report\?order=\d+$/);
  await expect(page.locator("#report-order option:checked")).toContainText(number);
});
