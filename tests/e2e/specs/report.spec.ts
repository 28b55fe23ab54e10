import { expect, expectAccessible, users, PASSWORD } from "../fixtures";
import { request } from "@playwright/test";
import { testWithOwnServer } from "../own-server";
import { SignInPage } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";
import { CasePage } from "../pages/case-page";
import { PNG } from "../files";

// A new case changes the merchant's inboxes: a server of its own.
const test = testWithOwnServer();

/** The first agent of each demo merchant. */
const agents: Record<string, string> = {
  "Nordic Home AB": users.merchant.email,
  "Lumo Electronics": users.otherMerchant.email,
  "Fjäll Outdoor": users.clockMerchant.email,
};

test("a customer reports a problem with photos, and the merchant finds it in Open", async ({ page, browser, baseURL }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.customer.email);
  await expect(new InboxPage(page).rows.first()).toBeVisible();
  // Lisa reads claimdesk in Swedish; this test reads it in English.
  await page.locator(".language-switcher select").selectOption("en");

  await page.getByRole("link", { name: "Report a problem" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Report a problem with an order");
  await expectAccessible(page);

  // Nothing chosen: the form says what is missing, field by field.
  await page.getByRole("button", { name: "Send the report" }).click();
  await expect(page.getByRole("alert")).toHaveText("Choose at least one item and how many.");
  const quantity = page.locator(".report-lines input:not([disabled])").first();
  await quantity.fill("1");
  await page.getByRole("button", { name: "Send the report" }).click();
  await expect(page.getByRole("alert")).toHaveText("This field is required.");
  await page.getByLabel("What is the problem?").selectOption({ label: "Damaged" });
  await page.getByLabel("I would rather have a free exchange").check();
  await page.getByLabel("What happened?").fill("The lid was cracked when the parcel arrived.");
  await page.getByLabel("Attach files").setInputFiles({ name: "lid.png", mimeType: "image/png", buffer: PNG });
  await expect(page.locator(".pending-files li")).toContainText("lid.png");
  await expectAccessible(page);
  const order = (await page.locator("#report-order option:checked").textContent())!;
  const merchant = order.split(" · ")[1];

  await page.getByRole("button", { name: "Send the report" }).click();
  await expect(page).toHaveURL(/\/cases\/C-\d+\/messages$/);
  const id = /C-\d+/.exec(page.url())![0];
  const casePage = new CasePage(page);
  await casePage.expectCase(id);
  await expect(casePage.status).toHaveText("Submitted");
  await page.getByRole("link", { name: "Receipt" }).click();
  await expect(page.getByText("The lid was cracked when the parcel arrived.")).toBeVisible();
  await expect(page.getByRole("img", { name: "Photo 1 from the customer" })).toBeVisible();
  await expectAccessible(page);

  // The merchant's agent finds it in Open, with the customer's wish on top.
  const context = await browser.newContext({ baseURL, locale: "en-GB" });
  const agent = await context.newPage();
  await new SignInPage(agent).goto();
  await new SignInPage(agent).signIn(agents[merchant]);
  const inbox = new InboxPage(agent);
  await expect(inbox.rows.first()).toBeVisible();
  await agent.goto(`/inbox/open?q=${id}`);
  await inbox.expectSettled();
  await expect(inbox.caseLinks()).toHaveText([id]);
  await agent.goto(`/cases/${id}/receipt`);
  await expect(agent.getByRole("list", { name: /Alerts|Varningar/ })).toContainText(/free exchange|kostnadsfritt byte/);
  await context.close();
});

test("a report being written survives a reload, goes out with all of it, and the next one starts blank", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.customer.email);
  await expect(new InboxPage(page).rows.first()).toBeVisible();
  await page.locator(".language-switcher select").selectOption("en");
  await page.getByRole("link", { name: "Report a problem" }).click();

  const quantity = page.locator(".report-lines input:not([disabled])").first();
  await quantity.fill("1");
  await page.getByLabel("What is the problem?").selectOption({ label: "Damaged" });
  await page.getByLabel("What happened?").fill("The handle came off on the first day.");
  await page.getByLabel("Attach files").setInputFiles({ name: "handle.png", mimeType: "image/png", buffer: PNG });
  await expect(page.locator(".pending-files li")).toContainText("handle.png");
  const order = await page.locator("#report-order").inputValue();
  const line = await quantity.getAttribute("id");

  // A reload (or a crash, or a lost connection) keeps everything.
  await page.reload();
  await expect(page.getByLabel("What happened?")).toHaveValue("The handle came off on the first day.");
  await expect(page.locator("#report-order")).toHaveValue(order);
  await expect(page.locator(`#${line}`)).toHaveValue("1");
  await expect(page.getByLabel("What is the problem?")).toHaveValue("damaged");
  await expect(page.locator(".pending-files li")).toContainText("handle.png");

  await page.getByRole("button", { name: "Send the report" }).click();
  await expect(page).toHaveURL(/\/cases\/C-\d+\/messages$/);
  await page.getByRole("link", { name: "Receipt" }).click();
  await expect(page.getByText("The handle came off on the first day.")).toBeVisible();
  await expect(page.getByRole("img", { name: "Photo 1 from the customer" })).toBeVisible();

  // Sent, the draft is gone: the next report starts blank.
  await page.goto("/report");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Report a problem with an order");
  await expect(page.getByLabel("What happened?")).toHaveValue("");
  await expect(page.getByLabel("What is the problem?")).toHaveValue("");
  await expect(page.locator(".pending-files li")).toHaveCount(0);
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("a report whose answer was lost, sent again after a reload, is the same report and not a second one", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.customer.email);
  await expect(new InboxPage(page).rows.first()).toBeVisible();
  await page.locator(".language-switcher select").selectOption("en");
  const cases = async () => (await (await page.request.get("/api/v1/cases?per_page=1")).json()).total as number;
  const before = await cases();
  await page.getByRole("link", { name: "Report a problem" }).click();
  await page.locator(".report-lines input:not([disabled])").first().fill("1");
  await page.getByLabel("What is the problem?").selectOption({ label: "Damaged" });
  await page.getByLabel("What happened?").fill("The glass was cracked in the box.");

  // The server takes the report, but its answer never reaches the browser.
  await page.route("**/api/v1/cases", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.getByRole("button", { name: "Send the report" }).click();
  await expect(page.locator(".form-error")).toBeVisible();
  expect(await cases()).toBe(before + 1);
  await page.unroute("**/api/v1/cases");

  // The customer reloads: the report goes again by itself, as the same
  // report, and they land on the case the server had already made.
  await page.reload();
  await expect(page).toHaveURL(/\/cases\/C-\d+\/messages$/);
  await page.getByRole("link", { name: "Receipt" }).click();
  await expect(page.getByText("The glass was cracked in the box.")).toBeVisible();
  expect(await cases()).toBe(before + 1);
  // And nothing of it is left to send again.
  await page.goto("/report");
  await expect(page.getByLabel("What happened?")).toHaveValue("");
  expect(await cases()).toBe(before + 1);
});

test("an order past the marketplace's reporting window says so before the customer starts", async ({ page, baseURL }) => {
  // Groothandel Plein keeps a 14-day window; Bram has older orders.
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { "x-claimdesk-csrf": "1" } });
  await api.post("/api/v1/session", { data: { email: users.retailer.email, password: PASSWORD } });
  const orders = await (await api.get("/api/v1/orders")).json();
  await api.dispose();
  const past = orders.find((o: { report_until?: string }) => o.report_until && Date.parse(o.report_until) < Date.now());
  expect(past, "Bram has an order past its window").toBeDefined();
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.retailer.email);
  await expect(page.getByTestId("current-user")).toBeVisible();
  await page.goto("/report");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Een probleem met een bestelling melden");
  await page.getByLabel("Bestelling", { exact: true }).selectOption(String(past.id));
  await expect(page.getByRole("note")).toContainText("De termijn om een probleem met deze bestelling te melden is op");
  await expect(page.getByRole("button", { name: "Melding versturen" })).toBeDisabled();
  await expectAccessible(page);
});

test("support registers a case for a customer on two of an order's lines", async ({ page, baseURL }) => {
  // An order of a consumer's with three lines or more left to claim.
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { "x-claimdesk-csrf": "1" } });
  await api.post("/api/v1/session", { data: { email: users.support.email, password: PASSWORD } });
  type Order = { number: string; lines: { claimable_quantity: number }[] };
  let target: { order: Order; email: string } | undefined;
  for (const email of ["nils.persson@kund.example", "wilma.eriksson@kund.example", "elin.karlsson@kund.example", users.customer.email]) {
    const orders: Order[] = await (await api.get(`/api/v1/orders?q=${encodeURIComponent(email)}`)).json();
    const order = orders.find((o) => o.lines.filter((l) => l.claimable_quantity > 0).length >= 3);
    if (order) {
      target = { order, email };
      break;
    }
  }
  await api.dispose();
  expect(target, "a consumer has an order with three lines left to claim").toBeDefined();

  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.support.email);
  await expect(page.getByTestId("current-user")).toBeVisible();
  await page.getByRole("link", { name: "New case for a customer" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Register a case for a customer");
  await page.getByLabel("Order number or customer's email").fill(target!.order.number);
  await page.getByRole("button", { name: "Find orders" }).click();
  await page.getByRole("button", { name: `Report a problem with order ${target!.order.number}` }).click();
  await expectAccessible(page);
  const quantities = page.locator(".report-lines input:not([disabled])");
  await expect(quantities).toHaveCount(target!.order.lines.filter((l) => l.claimable_quantity > 0).length);
  await quantities.nth(0).fill("1");
  await quantities.nth(1).fill("1");
  await page.getByLabel("What is the problem?").selectOption({ label: "Damaged" });
  // Written as markup on purpose: the case must show it as text.
  const description = `The customer called: <b>two</b> items arrived broken. <img src=x onerror="window.__pwned=1">`;
  await page.getByLabel("What happened?").fill(description);
  await page.getByRole("button", { name: "Send the report" }).click();
  await expect(page).toHaveURL(/\/cases\/C-\d+\/messages$/);
  await expect(page.getByText("Registered for the customer by Karin Berg of the marketplace's support team.")).toBeVisible();
  await page.getByRole("link", { name: "Receipt" }).click();
  await expect(page.locator("table.lines tbody tr").filter({ hasText: /1 claimed/ })).toHaveCount(2);
  const shown = page.locator("blockquote.description");
  await expect(shown).toHaveText(description);
  await expect(shown.locator("b, img")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expectAccessible(page);
});

test("support changes the marketplace's policy, with field errors and a record", async ({ page }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(users.support.email);
  await expect(page.getByTestId("current-user")).toBeVisible();
  await page.getByRole("link", { name: "Policy" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Marketplace policy");
  const hours = page.getByLabel("First response, business hours");
  await expect(hours).toHaveValue("24");
  await expect(page.getByLabel("Damaged")).toBeChecked();
  await expectAccessible(page);
  await hours.fill("0");
  await page.getByRole("button", { name: "Save the policy" }).click();
  await expect(page.locator("#policy-first_response_hours-error")).toBeVisible();
  await expect(hours).toHaveAttribute("aria-invalid", "true");
  await hours.fill("48");
  await page.getByRole("button", { name: "Save the policy" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(page.locator(".policy-changes li").first()).toContainText("Karin Berg");
  await expect(page.locator(".policy-changes li").first()).toContainText("First response, business hours: 24 → 48");
  await page.reload();
  await expect(page.getByLabel("First response, business hours")).toHaveValue("48");
  await expectAccessible(page);
});
