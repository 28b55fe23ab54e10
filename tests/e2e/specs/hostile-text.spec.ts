import { test, expect, expectAccessible } from "../fixtures";
import { SignInPage } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";
import { CasePage } from "../pages/case-page";

/** Fjäll Outdoor's second agent (Swedish). No other spec signs in as him;
 * the response-clock spec works his desk's Open inbox, this one a Parked
 * case, whose inbox a message from the desk does not change. */
const olle = { email: "olle@fjalloutdoor.example", name: "Olle Berg" };

/** Text that would run or restyle a page that treated it as markup. */
const HOSTILE = [
  `<img src=x onerror="window.__pwned='img'"> <b>bold?</b>`,
  `<script>window.__pwned='script'</script> \u202Efdp.exe \u200Bzero-width e\u0301 👩‍👩‍👧`,
].join("\n");

test("hostile text in a message and a note is shown exactly, as text, and runs nothing", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(olle.email);
  const inbox = new InboxPage(page);
  await expect(inbox.rows.first()).toBeVisible();
  await page.goto("/inbox/parked");
  const id = (await inbox.caseLinks().first().textContent())!.trim();
  await page.goto(`/cases/${id}/messages`);
  const casePage = new CasePage(page);
  await casePage.expectCase(id);

  await casePage.composer("Meddelande till kunden").fill(HOSTILE);
  await page.getByRole("button", { name: "Skicka" }).click();
  const message = casePage.posts.filter({ hasText: "<img src=x" });
  await expect(message).toHaveCount(1);
  await expect(message).toContainText(`<script>window.__pwned='script'</script>`);
  await expect(message).toContainText("\u202Efdp.exe");

  await casePage.openTab("Anteckningar");
  await casePage.composer("Intern anteckning").fill(HOSTILE);
  await page.getByRole("button", { name: "Lägg till anteckning" }).click();
  const note = casePage.posts.filter({ hasText: "<img src=x" });
  await expect(note).toHaveCount(1);

  // After a reload, from the server: still text, no element made of it.
  await page.reload();
  const kept = casePage.posts.filter({ hasText: "<b>bold?</b>" });
  await expect(kept).toHaveCount(1);
  await expect(kept.locator("img, script, b")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  await expectAccessible(page);
});
