import { expect, expectAccessible, users } from "../fixtures";
import { testWithOwnServer } from "../own-server";
import { SignInPage } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";
import { CasePage } from "../pages/case-page";

// A Wednesday: business hours, whatever day the suite runs on.
const START = "2026-11-18T10:00:00Z";

// This spec moves its server's clock, so it gets a server of its own, seeded
// as of START, and a browser whose clock reads START too.
const test = testWithOwnServer(["--test-clock", "--test-clock-at", START]);

// The seed puts one Fjäll Outdoor case three hours from its response
// deadline, below the automatic refund cap; every other seeded clock has at
// least four hours left. Maja works in Swedish.
test("a clock near breach warns, explains itself, and refunds the customer when it runs out", async ({ page }) => {
  await page.clock.setFixedTime(new Date(START));
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.clockMerchant.email);
  const inbox = new InboxPage(page);
  await expect(inbox.rows.first()).toBeVisible();

  // The Open inbox leads with what breaches first, in the warning colour and
  // in words: what happens, and when.
  const first = inbox.rows.first();
  const chip = first.locator(".chip");
  await expect(chip).toHaveClass(/chip-warning/);
  await expect(chip).toHaveText(/^Automatisk återbetalning .+ om (2 tim 5\d|3 tim 0) min$/);
  await expect(page.getByLabel("Sortera")).toHaveValue("deadline");
  await expectAccessible(page);

  // "Runs out within 12 h" keeps it and is held in the address.
  const id = (await inbox.caseLinks().first().textContent())!.trim();
  await page.getByLabel("Går ut inom 12 tim").check();
  await expect(page).toHaveURL(/breaching_soon=true/);
  await inbox.expectSettled();
  await expect(inbox.caseLinks()).toContainText([id]);
  for (const text of await inbox.rows.locator(".chip").allTextContents()) {
    expect(text).toMatch(/ om (\d+ tim )?\d+ min$/);
  }

  // The case explains its deadline, by keyboard.
  await inbox.caseLinks().first().click();
  const casePage = new CasePage(page);
  await casePage.expectCase(id);
  const toggle = page.getByRole("button", { name: /Så räknas tidsfristen/ });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.focus();
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  const explained = page.locator("#deadline-explained");
  await expect(explained).toBeVisible();
  await expect(explained).toContainText(/(24|48) arbetstimmar/);
  await expect(explained).toContainText("för första svaret på ärendet");
  await expect(explained).toContainText(/kunden får .+ tillbaka automatiskt och ärendet stängs/);
  await expect(explained).toContainText("Europe/Stockholm");
  await expectAccessible(page);

  // Three hours and five minutes later (the test-mode clock), the sweep has
  // refunded the customer and closed the case.
  const moved = await page.request.post("/api/v1/test/clock", {
    data: { minutes: 185 },
    headers: { "x-claimdesk-csrf": "1" },
  });
  expect(moved.ok()).toBe(true);
  const report = await moved.json();
  expect(report.acted).toEqual([[id, expect.objectContaining({ action: "auto_refund" })]]);

  await page.reload();
  await casePage.expectCase(id);
  await expect(casePage.status).toHaveText("Löst");
  await expect(page.getByText("Utfall: Automatisk återbetalning")).toBeVisible();
  await expect(page.locator(".deadline")).toHaveCount(0);
  await page.goto("/inbox/open");
  await inbox.expectSettled();
  await expect(inbox.caseLinks().filter({ hasText: id })).toHaveCount(0);
});
