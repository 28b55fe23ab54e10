import { test, expect, expectAccessible, users, PASSWORD } from "../fixtures";
import { request, Page } from "@playwright/test";
import { SignInPage } from "../pages/sign-in-page";

async function signIn(page: Page, email: string) {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(email);
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** The figures as the API has them, for `email`. */
async function figures(baseURL: string, email: string, query: string) {
  const api = await request.newContext({ baseURL });
  await api.post("/api/v1/session", { data: { email, password: PASSWORD }, headers: { "x-claimdesk-csrf": "1" } });
  const answer = await api.get(`/api/v1/${query}`);
  expect(answer.status()).toBe(200);
  const json = await answer.json();
  await api.dispose();
  return json;
}

test("a merchant sees where it stands, with every chart's table", async ({ page, baseURL }) => {
  const m = await figures(baseURL!, users.merchant.email, "metrics?days=90");
  await signIn(page, users.merchant.email);
  await page.getByRole("link", { name: "Where you stand" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Where you stand" })).toBeVisible();
  await page.getByLabel("Period").selectOption("90");
  await expect(page).toHaveURL(/\/metrics\?days=90$/);

  // The scores say what the API counted.
  const all = m.ratings.up + m.ratings.down;
  const satisfaction = page.getByTestId("score-satisfaction");
  if (all >= 10) {
    await expect(satisfaction).toContainText(`${m.ratings.up} of ${all} ratings thumbs up`);
  } else {
    await expect(satisfaction).toContainText(`Not enough ratings yet (${all}; at least 10 count)`);
  }
  const problems = page.getByTestId("score-problem-rate");
  if (m.problems.delivered > 0) {
    await expect(problems).toContainText(`${m.problems.problems} missing or complaint cases on ${m.problems.delivered} delivered orders`);
  } else {
    await expect(problems).toContainText("No orders delivered in this period");
  }
  if (m.responses.due > 0) {
    await expect(page.getByTestId("score-responses")).toContainText(`${m.responses.met} of ${m.responses.due} in time`);
  }
  await expect(page.getByRole("heading", { name: `What the ${m.cases} cases were about` })).toBeVisible();
  await expectAccessible(page);

  // A chart's table: there for screen readers, shown by its toggle; the
  // weeks' cases add up to the period's.
  const chart = page.locator("figure.chart").first();
  await chart.getByRole("button", { name: "Show as table" }).click();
  await expect(chart.getByRole("button", { name: "Show as table" })).toHaveAttribute("aria-pressed", "true");
  const cells = await chart.locator("tbody td").allTextContents();
  expect(cells.length).toBe(m.weeks.length);
  expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(m.cases);
  await expectAccessible(page);
  // (In Swedish and Dutch: languages.spec.ts, whose users' language may change.)
});

test("support ranks its merchants by risk and opens one's figures and cases", async ({ page, baseURL }) => {
  const ranking = await figures(baseURL!, users.support.email, "metrics/merchants?days=30");
  await signIn(page, users.support.email);
  await page.getByRole("link", { name: "Merchants" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Merchants by risk" })).toBeVisible();
  const rows = page.locator("table.ranking tbody tr");
  await expect(rows.locator("th")).toHaveText(ranking.merchants.map((m: { merchant: { name: string } }) => m.merchant.name));
  await expectAccessible(page);

  // Sorted by name on its heading's button.
  await page.getByRole("button", { name: "Merchant", exact: true }).click();
  const names = ranking.merchants.map((m: { merchant: { name: string } }) => m.merchant.name).sort();
  await expect(rows.locator("th")).toHaveText(names);

  // One merchant's figures, then its cases.
  const nordic = rows.filter({ hasText: "Nordic Home AB" });
  await nordic.getByRole("link", { name: "Figures" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Nordic Home AB: where it stands" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "All merchants" }).click();
  await rows.filter({ hasText: "Nordic Home AB" }).getByRole("link", { name: "Cases" }).click();
  await expect(page).toHaveURL(/\/inbox\/all\?merchant=\d+/);
});
