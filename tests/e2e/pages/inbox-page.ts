import { Page, Locator, expect } from "@playwright/test";

/** An inbox: its heading, search and rows. */
export class InboxPage {
  readonly rows: Locator;
  readonly search: Locator;

  constructor(readonly page: Page) {
    this.rows = page.locator("table.case-table tbody tr");
    this.search = page.getByRole("searchbox");
  }

  async expectHeading(name: string) {
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
  }

  /** Waits until the list shown is the one the address asks for (while the
   * next list loads, the previous one stays, marked busy). */
  async expectSettled() {
    await expect(this.page.locator(".inbox-results")).toHaveAttribute("aria-busy", "false");
  }

  /** The case id links of the rows shown. */
  caseLinks(): Locator {
    return this.rows.locator("th a");
  }

  async openFirstCase(): Promise<string> {
    const link = this.caseLinks().first();
    const id = (await link.textContent())!.trim();
    await link.click();
    return id;
  }

  /** The status column of every row. */
  async statuses(): Promise<string[]> {
    return this.rows.locator(".badge").allTextContents();
  }
}
