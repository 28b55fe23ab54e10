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
