import { Page, Locator, expect } from "@playwright/test";

/** One case: its tabs, the composer, the tools and the decision panel. */
export class CasePage {
  readonly orderNumber: Locator;
  readonly lines: Locator;
  readonly status: Locator;
  readonly posts: Locator;
  readonly decision: Locator;
  readonly tools: Locator;

  constructor(readonly page: Page) {
    this.orderNumber = page.getByTestId("order-number");
    this.lines = page.locator("table.lines tbody tr");
    this.status = page.locator(".case-head .badge");
    this.posts = page.locator("ol.posts > li");
    this.decision = page.getByRole("region", { name: /Decide|Besluta|Beslissen/ });
    this.tools = page.getByRole("region", { name: /Case tools|Ärendeverktyg|Meldinghulpmiddelen/ });
  }

  async expectCase(id: string) {
    await expect(this.page.getByRole("heading", { level: 1 })).toContainText(id);
  }

  async openTab(name: string) {
    await this.page.getByRole("navigation", { name: /Case sections|Ärendets delar|Onderdelen/ }).getByRole("link", { name }).click();
  }

  /** The composer's text field (message or note). */
  composer(label: string | RegExp): Locator {
    return this.page.getByLabel(label);
  }

  /** Chooses a decision, fills it in, reviews it and returns the confirmation. */
  async review(kind: string, fill?: { amount?: string; note?: string }) {
    await this.decision.getByLabel(kind, { exact: true }).check();
    if (fill?.amount !== undefined) {
      await this.decision.getByLabel("Another amount").check();
      await this.decision.getByLabel("Amount to refund").fill(fill.amount);
    }
    if (fill?.note !== undefined) await this.decision.locator("#decision-note").fill(fill.note);
    await this.decision.getByRole("button", { name: "Review" }).click();
    return this.page.getByRole("alertdialog");
  }
}
