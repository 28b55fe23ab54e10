import { expect, expectAccessible, users } from "../fixtures";
import { testWithOwnServer } from "../own-server";
import { SignInPage } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";
import { CasePage } from "../pages/case-page";
import { Browser, Page } from "@playwright/test";

// These tests decide many of Nordic Home's cases, so they get a freshly
// seeded server of their own and run one after another.
const test = testWithOwnServer();
test.describe.configure({ mode: "serial" });

async function signIn(page: Page, email: string) {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(email);
  await expect(new InboxPage(page).rows.first()).toBeVisible();
}

/** A second person, in a browser context of their own. */
async function another(browser: Browser, baseURL: string, email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, locale: "en-GB" });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** Opens the `nth` case (from 0) of an inbox matching `search`; returns its id. */
async function openFirst(page: Page, inbox: string, search = "", nth = 0): Promise<string> {
  const inboxPage = new InboxPage(page);
  await page.goto(`/inbox/${inbox}${search ? `?q=${encodeURIComponent(search)}` : ""}`);
  await inboxPage.expectSettled();
  const id = (await inboxPage.caseLinks().nth(nth).textContent())!.trim();
  await page.goto(`/cases/${id}/receipt`);
  await new CasePage(page).expectCase(id);
  return id;
}

/** Erik (who reads Swedish) answers the customer of case `id` in a browser
 * of his own: the case parks. */
async function erikReplies(browser: Browser, baseURL: string, id: string) {
  const erik = await another(browser, baseURL, users.merchantColleague.email);
  await erik.goto(`/cases/${id}/messages`);
  await new CasePage(erik).composer("Meddelande till kunden").fill("We are looking into it.");
  await erik.getByRole("button", { name: "Skicka" }).click();
  await expect(new CasePage(erik).status).toHaveText("Väntar på kunden");
  await erik.context().close();
}

/** "SEK 1,299.00" → 129900 */
function minor(text: string): number {
  return Math.round(Number(text.replace(/[^0-9.]/g, "")) * 100);
}

test("a proposal waits for the customer, who accepts it and is refunded", async ({ page, browser, baseURL }) => {
  await signIn(page, users.merchant.email);
  // Lisa is the demo customer; one of her open claims with Nordic Home.
  const id = await openFirst(page, "open", "Lisa");
  const casePage = new CasePage(page);
  await casePage.decision.getByLabel("Propose a solution").check();
  await casePage.decision.getByRole("button", { name: "Review" }).click();
  await expect(casePage.decision.getByRole("alert")).toHaveText("This field is required.");
  await casePage.decision.getByLabel("Your proposal to the customer").fill("Keep the item and we refund you 100 kronor.");
  await casePage.decision.getByLabel("Refund offered (optional)").fill("100");
  await casePage.decision.getByRole("button", { name: "Review" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("accepting refunds SEK 100.00 at once");
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(casePage.status).toHaveText("Awaiting customer");
  await expect(casePage.decision).toContainText("Waiting for the customer to accept the proposal");

  // The customer (who reads claimdesk in Swedish) finds it in the
  // conversation and on the case, and accepts it.
  const lisa = await another(browser, baseURL!, users.customer.email);
  await lisa.goto(`/cases/${id}/messages`);
  const proposal = lisa.getByRole("region", { name: "Handlarens förslag" });
  await expect(proposal).toContainText("Keep the item and we refund you 100 kronor.");
  await expect(proposal).toContainText("Om du godtar det får du 100,00 kr tillbaka.");
  await expect(lisa.locator("ol.posts")).toContainText("Keep the item and we refund you 100 kronor.");
  await expectAccessible(lisa);
  await proposal.getByRole("button", { name: "Godta förslaget" }).click();
  await lisa.getByRole("alertdialog").getByRole("button", { name: "Bekräfta" }).click();
  const outcome = lisa.getByRole("region", { name: "Utfall" });
  await expect(outcome).toContainText("Återbetalt: 100,00 kr");
  await expectAccessible(lisa);
  await lisa.context().close();

  // The merchant's view follows without a reload (live updates).
  await expect(casePage.status).toHaveText("Resolved");
  await expect(casePage.decision).toContainText("Refunded: SEK 100.00");
});

test("a refund per line pays for the chosen quantities only", async ({ page }) => {
  await signIn(page, users.merchant.email);
  await openFirst(page, "open");
  const casePage = new CasePage(page);
  await casePage.decision.getByLabel("Refund", { exact: true }).check();
  await casePage.decision.getByLabel("Per line").check();
  const quantities = casePage.decision.locator(".refund-lines input");
  await expect(quantities.first()).toBeVisible();
  // Nothing chosen is refused before anything is sent.
  for (const input of await quantities.all()) await input.fill("0");
  await casePage.decision.getByRole("button", { name: "Review" }).click();
  await expect(casePage.decision.getByRole("alert")).toHaveText("Choose at least one line to refund.");

  await quantities.first().fill("1");
  const total = casePage.decision.locator(".refund-total");
  await expect(total).toContainText("Refund for the chosen lines:");
  const amount = (await total.textContent())!.replace("Refund for the chosen lines:", "").replace(/\.$/, "").trim();
  await expectAccessible(page);
  await casePage.decision.getByRole("button", { name: "Review" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(`Refund ${amount} to the customer`);
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(casePage.status).toHaveText("Resolved");
  await expect(casePage.decision).toContainText(`Refunded: ${amount}`);
});

test("prepared decisions go out together, with a result for each case", async ({ page, browser, baseURL }) => {
  // Anna's live updates are cut off in this test, so a colleague's change
  // after her list loaded stays unseen until she sends.
  await page.route("**/api/v1/stream", (route) => route.abort());
  await signIn(page, users.merchant.email);
  const casePage = new CasePage(page);
  const prepared: string[] = [];
  for (const [nth, kind, note] of [[0, "Refund", ""], [1, "Reject", "Used for months: not a transport damage."]] as const) {
    const id = await openFirst(page, "open", "", nth);
    await casePage.decision.getByLabel(kind, { exact: true }).check();
    if (note) await casePage.decision.locator("#decision-note").fill(note);
    await casePage.decision.getByRole("button", { name: "Save as prepared" }).click();
    await expect(casePage.decision.getByRole("note")).toContainText(`Prepared by ${users.merchant.name}, not sent yet: ${kind}`);
    // Prepared is not sent: the case is still open.
    await expect(casePage.status).not.toHaveText(/Resolved|Rejected/);
    prepared.push(id);
  }
  // Reopening the case shows the prepared decision filled in.
  await page.goto(`/cases/${prepared[1]}/receipt`);
  await expect(casePage.decision.getByLabel("Reject", { exact: true })).toBeChecked();
  await expect(casePage.decision.locator("#decision-note")).toHaveValue("Used for months: not a transport damage.");

  await page.getByRole("link", { name: /^Prepared/ }).click();
  const inbox = new InboxPage(page);
  await inbox.expectHeading("Prepared");
  await inbox.expectSettled();
  for (const id of prepared) await expect(inbox.caseLinks().filter({ hasText: id })).toHaveCount(1);
  await expect(inbox.rows.filter({ hasText: prepared[1] })).toContainText("Prepared: Reject");
  await expectAccessible(page);
  // A colleague (who works in Swedish) writes on the first one after Anna's list
  // loaded: the version she sends is no longer the case's.
  const erik = await another(browser, baseURL!, users.merchantColleague.email);
  await erik.goto(`/cases/${prepared[0]}/notes`);
  await new CasePage(erik).composer("Intern anteckning").fill("Checked with the warehouse first.");
  await erik.getByRole("button", { name: "Lägg till anteckning" }).click();
  await expect(new CasePage(erik).posts).toContainText(["Checked with the warehouse first."]);
  await erik.context().close();

  const listed = await inbox.caseLinks().count();
  const bulk = page.getByRole("region", { name: "Send prepared decisions" });
  await bulk.getByRole("button", { name: `Send all ${listed} on this page` }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(`Send ${listed} prepared decisions to their customers now?`);
  await dialog.getByRole("button", { name: "Confirm" }).click();

  const results = bulk.locator(".bulk-results li");
  await expect(results).toHaveCount(listed);
  await expect(results.filter({ hasText: prepared[1] })).toContainText("Sent, now Rejected.");
  await expect(results.filter({ hasText: prepared[0] })).toContainText("Not sent: someone else changed the case after the list was loaded. Open it to check, then send it again.");
  await expect(bulk.getByRole("status")).toHaveText(`${listed - 1} of ${listed} sent.`);
  await expectAccessible(page);
});

test("filters by value and age narrow the inbox and stay in the address", async ({ page }) => {
  await signIn(page, users.merchant.email);
  const inbox = new InboxPage(page);
  await page.goto("/inbox/approved");
  await inbox.expectSettled();
  await page.getByLabel("Value from").fill("1000");
  await page.getByLabel("Value from").press("Enter");
  await expect(page).toHaveURL(/min_value=100000/);
  await inbox.expectSettled();
  const values = await inbox.rows.locator("td.number").allTextContents();
  expect(values.length).toBeGreaterThan(0);
  for (const value of values) expect(minor(value)).toBeGreaterThanOrEqual(100000);

  await page.getByRole("combobox", { name: /^Age/ }).selectOption({ label: "Under 1 day" });
  await expect(page).toHaveURL(/max_age_days=1/);
  await inbox.expectSettled();
  // Every case left was reported less than a day ago, and is still worth
  // at least 1,000.
  const reported = await inbox.rows.locator("time").evaluateAll((times) => times.map((t) => Date.parse(t.getAttribute("datetime")!)));
  expect(reported.length).toBeGreaterThan(0);
  for (const at of reported) expect(Date.now() - at).toBeLessThan(24 * 3600 * 1000);
  for (const value of await inbox.rows.locator("td.number").allTextContents()) expect(minor(value)).toBeGreaterThanOrEqual(100000);
  await page.reload();
  await expect(page.getByRole("combobox", { name: /^Age/ })).toHaveValue("0-1");
  await expect(page.getByLabel("Value from")).toHaveValue("1000.00");
  await expectAccessible(page);
});

test("two agents see each other's work without reloading", async ({ page, browser, baseURL }) => {
  await signIn(page, users.merchant.email);
  const inbox = new InboxPage(page);
  await page.goto("/inbox/open");
  await inbox.expectSettled();
  const openCount = page.getByRole("link", { name: /^Open \d+/ });
  const before = Number((await openCount.textContent())!.replace(/\D/g, ""));
  const id = (await inbox.caseLinks().first().textContent())!.trim();

  // Erik (in Swedish) answers the customer: the case parks.
  await erikReplies(browser, baseURL!, id);

  await expect(inbox.caseLinks().filter({ hasText: id })).toHaveCount(0);
  await expect(openCount).toHaveText(new RegExp(`${before - 1}$`));
});

test("an inbox seen before comes back without a request, until someone changes a case", async ({ page, browser, baseURL }) => {
  await signIn(page, users.merchant.email);
  const inbox = new InboxPage(page);
  const lists: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/v1/cases?")) lists.push(request.url());
  });
  const sidebar = page.getByRole("navigation", { name: "Inboxes" });
  const visit = async (name: "Parked" | "Open") => {
    await sidebar.getByRole("link", { name: new RegExp(`^${name}`) }).click();
    await inbox.expectHeading(name);
    await inbox.expectSettled();
    await expect(inbox.rows.first()).toBeVisible();
  };
  // Twice, so both pages were fetched while the live stream was connected.
  for (let round = 0; round < 2; round++) {
    await visit("Parked");
    await visit("Open");
  }
  const id = (await inbox.caseLinks().first().textContent())!.trim();
  const asked = lists.length;
  await visit("Parked");
  await visit("Open");
  expect(lists, "back and forth between kept pages").toHaveLength(asked);

  // Erik answers the first customer: the app hears of it, forgets what it
  // kept and asks for the list in view again, which no longer holds the case.
  await erikReplies(browser, baseURL!, id);
  await expect(inbox.caseLinks().filter({ hasText: id })).toHaveCount(0);
  expect(lists.length).toBeGreaterThan(asked);

  // Parked, kept from before the change, is asked for again: the case is there.
  const before = lists.length;
  await visit("Parked");
  await expect(inbox.caseLinks().filter({ hasText: id })).toHaveCount(1);
  expect(lists).toHaveLength(before + 1);
});
