import { test as base, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Demo accounts (crates/server/src/seed/catalog.rs); one password for all. */
export const PASSWORD = "claimdesk-demo";
export const users = {
  merchant: { email: "anna@nordichome.example", name: "Anna Lindqvist" },
  merchantColleague: { email: "erik@nordichome.example", name: "Erik Sjöberg" },
  otherMerchant: { email: "sara@lumo.example", name: "Sara Nilsson" },
  languageMerchant: { email: "johan@lumo.example", name: "Johan Ek" },
  customer: { email: "lisa@kund.example", name: "Lisa Andersson" },
  retailer: { email: "bram@dewinkel.example", name: "Bram Jansen" },
  support: { email: "support@fyndmarknad.example", name: "Karin Berg" },
  /** Tulp & Co's agents: the case-work specs change their cases, and only theirs. */
  worker: { email: "sanne@tulpco.example", name: "Sanne de Boer" },
  workerColleague: { email: "daan@tulpco.example", name: "Daan Visser" },
  /** Fjäll Outdoor's agent (Swedish): the response-clock spec moves the
   * server's clock past its near-breach case; no other spec uses this desk. */
  clockMerchant: { email: "maja@fjalloutdoor.example", name: "Maja Holm" },
  /** Studio Klei's agents (Dutch): the quick-texts spec changes their desk's
   * quick texts (and their language); no other spec uses this desk. */
  textsMerchant: { email: "ruben@studioklei.example", name: "Ruben Smit" },
  textsColleague: { email: "femke@studioklei.example", name: "Femke Bakker" },
};

/** Every test talks to the server global-setup started, and fails if the
 * app panicked on the way (a Rust panic in the SPA aborts it: the page
 * would stop responding) or did anything its Content-Security-Policy
 * refused (the server's CSP must fit the app exactly). */
export const test = base.extend({
  baseURL: async ({}, use) => {
    const url = process.env.CLAIMDESK_URL;
    if (!url) throw new Error("CLAIMDESK_URL is not set: global setup did not run");
    await use(url);
  },
  page: async ({ page }, use) => {
    const panics: string[] = [];
    const refused: string[] = [];
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      if (message.text().includes("panicked")) panics.push(message.text());
      if (message.text().includes("Content Security Policy")) refused.push(message.text());
    });
    await use(page);
    expect(panics, "the app panicked").toEqual([]);
    expect(refused, "the CSP refused part of the app").toEqual([]);
  },
});
export { expect };

/** Fails with the list of violations when the page breaks WCAG 2.1 A/AA. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}
