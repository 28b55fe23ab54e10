import { test, expect, expectAccessible, users, PASSWORD } from "../fixtures";
import { request } from "@playwright/test";
import { signedIn } from "../pages/sign-in-page";
import { CasePage } from "../pages/case-page";

type Alert = { kind: string; other_case?: string | null; sent_at?: string; same_customer?: boolean };

/** Every case of `email`'s desk whose alerts say a photo came before, with
 * those alerts, as the API has them (whichever inbox other specs moved the
 * case to meanwhile). */
async function casesWithTheSamePhoto(baseURL: string, email: string) {
  const api = await request.newContext({ baseURL });
  await api.post("/api/v1/session", { data: { email, password: PASSWORD }, headers: { "x-claimdesk-csrf": "1" } });
  const ids: string[] = [];
  for (const inbox of ["open", "parked", "approved", "rejected"]) {
    const page = await (await api.get(`/api/v1/cases?inbox=${inbox}&per_page=200`)).json();
    ids.push(...page.items.map((item: { id: string }) => item.id));
  }
  const found: { id: string; customer: string; alerts: Alert[] }[] = [];
  for (const id of ids) {
    const detail = await (await api.get(`/api/v1/cases/${id}`)).json();
    const alerts = (detail.alerts as Alert[]).filter((a) => a.kind === "same_photo");
    if (alerts.length > 0) found.push({ id, customer: detail.customer.email, alerts });
  }
  await api.dispose();
  return found;
}

test("the desk is told when a photo was sent before with another case; the customer is not", async ({ browser, baseURL }) => {
  const found = await casesWithTheSamePhoto(baseURL!, users.merchant.email);
  // The demo's pair: each names the other, sent by another customer.
  expect(found, JSON.stringify(found)).toHaveLength(2);
  expect(found.map((f) => f.id).sort()).toEqual([found[0].alerts[0].other_case, found[1].alerts[0].other_case].sort());
  const newer = found.find((f) => new Date(f.alerts[0].sent_at!) < new Date(Date.now() - 20 * 86_400_000))!;
  const older = found.find((f) => f !== newer)!;

  const anna = await signedIn(browser, users.merchant.email);
  await anna.goto(`/cases/${newer.id}/receipt`);
  await new CasePage(anna).expectCase(newer.id);
  const alerts = anna.getByRole("list", { name: "Alerts" });
  await expect(alerts).toContainText(
    new RegExp(`The same photo was sent with ${older.id}, \\d+ days ago, by another customer\\.`),
  );
  await expectAccessible(anna);
  await anna.goto(`/cases/${older.id}/receipt`);
  await new CasePage(anna).expectCase(older.id);
  await expect(anna.getByRole("list", { name: "Alerts" })).toContainText(`The same photo was sent with ${newer.id}`);

  // The customer who sent it sees their case without any such notice.
  const customer = await signedIn(browser, newer.customer);
  await customer.goto(`/cases/${newer.id}/receipt`);
  await new CasePage(customer).expectCase(newer.id);
  await expect(customer.getByText("The same photo was sent")).toHaveCount(0);
  await expectAccessible(customer);
  await anna.context().close();
  await customer.context().close();
});
