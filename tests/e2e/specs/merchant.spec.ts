import { test, expect, expectAccessible, users } from "../fixtures";
import { SignInPage } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";
import { CasePage } from "../pages/case-page";

test("a merchant works the Open inbox and opens a case's receipt", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.merchant.email);

  const inbox = new InboxPage(page);
  await expect(page).toHaveURL(/\/inbox\/open$/);
  await inbox.expectHeading("Open");
  await expect(page.getByTestId("current-user")).toContainText(users.merchant.name);
  await expect(page.getByTestId("current-user")).toContainText("Merchant");
  await expect(inbox.rows.first()).toBeVisible();
  for (const status of await inbox.statuses()) {
    expect(["New", "Customer replied"]).toContain(status);
  }
  await expectAccessible(page);

  const id = await inbox.openFirstCase();
  const casePage = new CasePage(page);
  await casePage.expectCase(id);
  await expect(page).toHaveURL(new RegExp(`/cases/${id}/receipt$`));
  await expect(casePage.orderNumber).toHaveText(/^FM-\d+$/);
  await expect(casePage.lines.first()).toBeVisible();
  await expect(page.getByText("claimed", { exact: false }).first()).toBeVisible();
  await expect(page.getByText("Blocked while a case is open")).toBeVisible();
  await expectAccessible(page);

  // The receipt deep link works on its own, after a reload.
  await page.reload();
  await casePage.expectCase(id);
});

test("the Open inbox's columns fit a 1,280-pixel screen, with no scrolling sideways", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.merchant.email);
  const inbox = new InboxPage(page);
  await inbox.expectHeading("Open");
  await expect(inbox.rows.first()).toBeVisible();
  const value = page.getByRole("columnheader", { name: "Claimed value" });
  const box = await value.boundingBox();
  expect(box, "the value column is laid out").not.toBeNull();
  expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
});

test("a cold start asks for the inbox once, in parallel with the app (index.html preloads it)", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.merchant.email);
  const inbox = new InboxPage(page);
  await inbox.expectHeading("Open");
  for (const address of ["/inbox/parked", "/inbox/open?q=Lisa"]) {
    const lists: string[] = [];
    const listen = (request: { url(): string }) => {
      if (request.url().includes("/api/v1/cases?")) lists.push(request.url());
    };
    page.on("request", listen);
    await page.goto(address);
    await inbox.expectSettled();
    await expect(inbox.rows.first()).toBeVisible();
    // The app's own request was answered by the preload: one request, not two.
    expect(lists, `requests for ${address}`).toHaveLength(1);
    page.off("request", listen);
  }
});

test("the other inboxes list cases in their statuses, and search narrows them", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.merchant.email);
  const inbox = new InboxPage(page);
  await inbox.expectHeading("Open");

  await page.getByRole("navigation", { name: "Inboxes" }).getByRole("link", { name: "Parked" }).click();
  await inbox.expectHeading("Parked");
  await inbox.expectSettled();
  await expect(inbox.rows.first()).toBeVisible();
  for (const status of await inbox.statuses()) {
    expect(["Awaiting customer", "Awaiting return"]).toContain(status);
  }

  await page.getByRole("link", { name: "Approved" }).click();
  await inbox.expectHeading("Approved");
  await inbox.expectSettled();
  await expect(inbox.rows.first().locator(".badge")).toHaveText("Resolved");
  const first = inbox.rows.first();
  const order = (await first.locator(".order-number").textContent())!.trim();
  await inbox.search.fill(order);
  await expect(page).toHaveURL(new RegExp(`q=${order}`));
  await expect(inbox.rows).toHaveCount(1);
  await expect(inbox.rows.first()).toContainText(order);
  await expectAccessible(page);

  await inbox.search.fill("no such thing anywhere");
  await expect(page.getByText("No cases match your search.")).toBeVisible();

  await page.getByRole("link", { name: "Platform" }).click();
  await inbox.expectHeading("Platform");
  await inbox.openFirstCase();
  await expect(page.getByText("Handled by the platform")).toBeVisible();
  await expectAccessible(page);
});

test("another merchant's case is not found, and the inbox comes back after a failed load", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.otherMerchant.email);
  const inbox = new InboxPage(page);
  await expect(inbox.rows.first()).toBeVisible();
  // C-10001 belongs to Nordic Home; Sara works for Lumo Electronics. She
  // prefers Swedish.
  await page.goto("/cases/C-10001/receipt");
  await expect(page.getByRole("alert")).toContainText("Vi hittade inte det här");
  await expectAccessible(page);

  // The network drops the next inbox request: the page says why and retries.
  let dropped = false;
  await page.route("**/api/v1/cases?**", (route) => {
    if (!dropped) {
      dropped = true;
      return route.abort("connectionfailed");
    }
    return route.continue();
  });
  await page.goto("/inbox/parked");
  await expect(page.getByRole("alert")).toContainText("Kunde inte nå servern");
  await page.getByRole("button", { name: "Försök igen" }).click();
  await expect(inbox.rows.first()).toBeVisible();
});

test("the chosen language is remembered for the user", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.languageMerchant.email);
  const nav = page.getByRole("navigation", { name: "Inboxes" });
  await expect(nav.getByRole("link", { name: "Parked" })).toBeVisible();
  await page.getByLabel("Language").selectOption("nl");
  await expect(page.getByRole("navigation", { name: "Inboxen" }).getByRole("link", { name: "Geparkeerd" })).toBeVisible();
  await expectAccessible(page);
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Inboxen" }).getByRole("link", { name: "Geparkeerd" })).toBeVisible();
});

test("signing out ends the session, from a case too", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.merchantColleague.email);
  const inbox = new InboxPage(page);
  await expect(inbox.rows.first()).toBeVisible();
  const id = await inbox.openFirstCase();
  await new CasePage(page).expectCase(id);
  await page.getByTestId("current-user").click();
  await page.getByRole("button", { name: "Logga ut", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  // A page opened afterwards asks to sign in, and to come back to it.
  await page.goto("/inbox/open");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Finbox%2Fopen$/);
});

test("filters narrow an inbox, the view is in the address, and alerts warn the agent", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.merchant.email);
  const inbox = new InboxPage(page);
  await page.getByRole("link", { name: "Approved" }).click();
  await inbox.expectHeading("Approved");
  await inbox.expectSettled();
  await page.getByLabel("Kind").selectOption("complaint");
  await expect(page).toHaveURL(/kind=complaint/);
  await inbox.expectSettled();
  await expect(inbox.rows.first()).toBeVisible();
  for (const kind of await inbox.rows.locator("td:nth-of-type(1)").allTextContents()) {
    expect(kind).toBe("Complaint");
  }
  await expectAccessible(page);
  // The filtered view survives a reload (it lives in the address).
  await page.reload();
  await expect(page.getByLabel("Kind")).toHaveValue("complaint");

  await page.getByRole("link", { name: "Held by me" }).click();
  await inbox.expectHeading("Held by me");

  // Lisa claims often: her cases say so.
  await page.getByRole("link", { name: "Open" }).click();
  await inbox.search.fill("Lisa Andersson");
  await inbox.expectSettled();
  await inbox.openFirstCase();
  await expect(page.getByRole("list", { name: "Alerts" })).toContainText("Repeat claimant");

  // In the demo, every third complaint (by case number) came with the
  // customer's wish for a free exchange; the agent is told at the top.
  await page.goto("/inbox/open?kind=complaint");
  await inbox.expectSettled();
  const ids = (await inbox.caseLinks().allTextContents()).map((t) => t.trim());
  const wished = ids.find((id) => Number(id.replace("C-", "")) % 3 === 0)!;
  const plain = ids.find((id) => Number(id.replace("C-", "")) % 3 !== 0)!;
  await page.goto(`/cases/${wished}/receipt`);
  await expect(page.getByRole("list", { name: "Alerts" })).toContainText("The customer asked for a free exchange (a replacement) rather than a refund.");
  await expectAccessible(page);
  await page.goto(`/cases/${plain}/receipt`);
  await new CasePage(page).expectCase(plain);
  await expect(page.getByText("asked for a free exchange")).toHaveCount(0);
});
