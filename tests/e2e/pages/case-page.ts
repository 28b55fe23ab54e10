import { Page, Locator, expect } from "@playwright/test";

/** One case and its tabs. */
export class CasePage {
  readonly orderNumber: Locator;
  readonly lines: Locator;

  constructor(readonly page: Page) {
    this.orderNumber = page.getByTestId("order-number");
    this.lines = page.locator("table.lines tbody tr");
  }

  async expectCase(id: string) {
    await expect(this.page.getByRole("heading", { level: 1 })).toContainText(id);
  }
}
