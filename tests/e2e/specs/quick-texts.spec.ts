import { test, expect, expectAccessible, users } from "../fixtures";
import { SignInPage } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";
import { CasePage } from "../pages/case-page";
import { QuickTextsPage } from "../pages/quick-texts-page";
import { Page } from "@playwright/test";

// Studio Klei's desk is this spec's alone (see fixtures.ts). Its agents
// prefer Dutch; Ruben works in English here.

async function signIn(page: Page, email: string) {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(email);
  await expect(new InboxPage(page).rows.first()).toBeVisible();
}

/** A marker that survives until the page is loaded again. */
async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { marked: boolean }).marked = true));
}
async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { marked?: boolean }).marked)).toBe(true);
}

test("a merchant adds, edits, uses and deletes a quick text", async ({ page }) => {
  await signIn(page, users.textsMerchant.email);
  await page.locator(".language-switcher select").selectOption("en");
  const texts = new QuickTextsPage(page);
  await texts.open();
  await expect(texts.heading).toHaveText("Quick texts");
  await expect(texts.row("Ask for a photo")).toContainText("English");
  await expect(texts.row("Foto vragen")).toContainText("Dutch");
  await expectAccessible(page);
  await markPage(page);

  // Added with a placeholder, in Swedish: listed at once.
  const title = "Leverans försenad";
  await texts.add({ title, language: "Swedish", body: "Hej {customer_name}! Din order {order_number} är försenad." });
  const row = texts.row(title);
  await expect(row).toContainText("Swedish");
  await expect(row.locator(".preview")).toHaveText("Hej {customer_name}! Din order {order_number} är försenad.");
  await expect(texts.title).toHaveValue("");
  await expect(page.getByRole("heading", { level: 2, name: "Your team's quick texts" })).toBeFocused();

  // Edited: the form takes the focus; a placeholder is inserted at the
  // cursor from the keyboard.
  await texts.edit(title);
  await expect(texts.title).toBeFocused();
  await expect(texts.language).toHaveValue("sv");
  await expect(row).toHaveClass(/editing/);
  await texts.body.focus();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(" Hälsningar, ");
  await texts.form.getByRole("button", { name: "{agent_name}" }).focus();
  await page.keyboard.press("Enter");
  await expect(texts.body).toBeFocused();
  await page.keyboard.type(".");
  const body = "Hej {customer_name}! Din order {order_number} är försenad. Hälsningar, {agent_name}.";
  await expect(texts.body).toHaveValue(body);
  await texts.saveChanges();
  await expect(texts.status).toHaveText(`Saved “${title}”.`);
  await expect(row.locator(".preview")).toHaveText(body);
  await expect(texts.form.getByRole("heading", { name: "New quick text" })).toBeVisible();

  // An empty title is refused next to the field; Cancel keeps the text as it was.
  await texts.edit(title);
  await texts.title.fill("");
  await texts.saveChanges();
  const titleError = texts.form.locator("#quick-text-title-error");
  await expect(titleError).toHaveText("This field is required.");
  await expect(titleError).toHaveAttribute("role", "alert");
  await expect(texts.title).toHaveAttribute("aria-invalid", "true");
  await expect(texts.title).toHaveAttribute("aria-describedby", "quick-text-title-error");
  await expect(texts.body).toHaveAttribute("aria-invalid", "false");
  await expectAccessible(page);
  await texts.form.getByRole("button", { name: "Cancel" }).click();
  await expect(row.getByRole("button", { name: `Edit ${title}` })).toBeFocused();
  await expect(row.locator("h3")).toHaveText(title);

  // A colleague saves it meanwhile: the agent is told, keeps their text,
  // and saving again replaces the colleague's version.
  await texts.edit(title);
  const listed = await (await page.request.get("/api/v1/quick-texts")).json();
  const current = listed.find((t: { title: string }) => t.title === title);
  const changed = await page.request.put(`/api/v1/quick-texts/${current.id}`, {
    headers: { "x-claimdesk-csrf": "1" },
    data: { version: current.version, title, locale: "sv", body: "Ändrad av en kollega." },
  });
  expect(changed.status()).toBe(200);
  await texts.body.fill(`${body} Tack för ditt tålamod.`);
  await texts.saveChanges();
  await expect(texts.form.getByRole("alert")).toContainText("Someone else changed this quick text");
  await expect(texts.body).toHaveValue(`${body} Tack för ditt tålamod.`);
  await expect(row.locator(".preview")).toHaveText("Ändrad av en kollega.");
  await texts.saveChanges();
  await expect(texts.status).toHaveText(`Saved “${title}”.`);
  await expect(row.locator(".preview")).toHaveText(`${body} Tack för ditt tålamod.`);
  await expectNoReload(page);

  // Used in a case's composer with `::`, filled in for the case.
  await page.goto("/inbox/open");
  const id = (await new InboxPage(page).caseLinks().first().textContent())!.trim();
  await page.goto(`/cases/${id}/messages`);
  const casePage = new CasePage(page);
  await casePage.expectCase(id);
  const field = casePage.composer("Message to the customer");
  await field.click();
  await field.pressSequentially("::leverans");
  const option = page.getByRole("listbox", { name: "Quick texts" }).getByRole("option");
  await expect(option).toHaveCount(1);
  await expect(option).toContainText(title);
  await page.keyboard.press("Enter");
  const inserted = await field.inputValue();
  expect(inserted).toMatch(/^Hej .+! Din order \S+ är försenad\. Hälsningar, Ruben Smit\. Tack för ditt tålamod\.$/);
  expect(inserted).not.toContain("{");
  await field.fill("");

  // Deleted after a confirmation that names it; Cancel first changes nothing.
  await page.goto("/quick-texts");
  await markPage(page);
  const deleteButton = texts.row(title).getByRole("button", { name: `Delete ${title}` });
  await deleteButton.click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(`Delete the quick text “${title}”?`);
  await expect(dialog.getByRole("button", { name: "Confirm" })).toBeFocused();
  await expectAccessible(page);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(dialog).toHaveCount(0);
  await expect(deleteButton).toBeFocused();
  await deleteButton.click();
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(texts.status).toHaveText(`Deleted “${title}”.`);
  await expect(texts.row(title)).toHaveCount(0);
  await expect(texts.row("Ask for a photo")).toHaveCount(1);
  await expectNoReload(page);
});

test("the page speaks Dutch and Swedish", async ({ page }) => {
  await signIn(page, users.textsColleague.email);
  const texts = new QuickTextsPage(page);
  await texts.open("Snelteksten");
  await expect(texts.heading).toHaveText("Snelteksten");
  await expect(page.getByRole("heading", { level: 2, name: "Snelteksten van uw team" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Nieuwe sneltekst" })).toBeVisible();
  await expect(texts.row("Foto vragen")).toContainText("Nederlands");
  await expect(texts.row("Ask for a photo")).toContainText("Engels");
  await expect(texts.row("Foto vragen").getByRole("button", { name: "Foto vragen bewerken" })).toBeVisible();
  await expect(texts.form.getByLabel("Titel")).toBeVisible();
  await expect(texts.form.getByLabel("Taal van de tekst")).toHaveValue("nl");
  await expect(texts.form.getByText("Plaatshouders, per melding ingevuld")).toBeVisible();

  // Nothing filled in: each field says why, in Dutch.
  await texts.form.getByRole("button", { name: "Sneltekst toevoegen" }).click();
  await expect(texts.form.locator("#quick-text-title-error")).toHaveText("Dit veld is verplicht.");
  await expect(texts.form.locator("#quick-text-body-error")).toHaveText("Dit veld is verplicht.");
  await expect(texts.form.getByLabel("Tekst", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  // Switched to Swedish, the page follows at once, errors included.
  await page.locator(".language-switcher select").selectOption("sv");
  await expect(texts.heading).toHaveText("Snabbtexter");
  await expect(page.getByRole("heading", { level: 2, name: "Ny snabbtext" })).toBeVisible();
  await expect(texts.form.getByLabel("Textens språk")).toBeVisible();
  await expect(texts.row("Foto vragen")).toContainText("Nederländska");
  await expect(texts.form.locator("#quick-text-title-error")).toHaveText("Fältet måste fyllas i.");
  await expect(texts.form.getByRole("button", { name: "Lägg till snabbtext" })).toBeVisible();
  await expectAccessible(page);
});
