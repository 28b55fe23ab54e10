import { Page, Locator, expect } from "@playwright/test";

/** The quick-text page (`/quick-texts`): the list and the form beside it.
 * The field names are the English ones; a spec in another language finds
 * the fields by their own labels. */
export class QuickTextsPage {
  readonly heading: Locator;
  readonly rows: Locator;
  readonly form: Locator;
  readonly title: Locator;
  readonly language: Locator;
  readonly body: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1 });
    this.rows = page.locator("ul.quick-text-list > li");
    this.form = page.locator(".quick-texts section.card");
    this.title = this.form.getByLabel("Title");
    this.language = this.form.getByLabel("Language of the text");
    this.body = this.form.getByLabel("Text", { exact: true });
    this.status = page.locator(".quick-texts").getByRole("status");
  }

  /** Opens the page from the sidebar. */
  async open(linkName = "Quick texts") {
    await this.page.getByRole("link", { name: linkName, exact: true }).click();
    await expect(this.page).toHaveURL(/\/quick-texts$/);
    await expect(this.rows.first()).toBeVisible();
  }

  /** The row of the text titled `title`. */
  row(title: string): Locator {
    return this.rows.filter({ has: this.page.getByRole("heading", { level: 3, name: title, exact: true }) });
  }

  /** Fills the form in (what is given) and saves it. */
  async fill(text: { title?: string; language?: string; body?: string }) {
    if (text.title !== undefined) await this.title.fill(text.title);
    if (text.language !== undefined) await this.language.selectOption({ label: text.language });
    if (text.body !== undefined) await this.body.fill(text.body);
  }

  async add(text: { title: string; language: string; body: string }) {
    await this.fill(text);
    await this.form.getByRole("button", { name: "Add quick text" }).click();
    await expect(this.status).toHaveText(`Saved “${text.title}”.`);
  }

  /** Puts the text titled `title` into the form. */
  async edit(title: string) {
    await this.row(title).getByRole("button", { name: `Edit ${title}` }).click();
    await expect(this.form.getByRole("heading", { name: "Edit quick text" })).toBeVisible();
    await expect(this.title).toHaveValue(title);
  }

  async saveChanges() {
    await this.form.getByRole("button", { name: "Save changes" }).click();
  }
}
