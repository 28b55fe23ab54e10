import { test, expect, expectAccessible, users, PASSWORD } from "../fixtures";
import { request } from "@playwright/test";
import { readFileSync } from "node:fs";
import { signedIn } from "../pages/sign-in-page";
import { InboxPage } from "../pages/inbox-page";
import { CasePage } from "../pages/case-page";

// Both tests take one of Lumo's open cases: one after the other.
test.describe.configure({ mode: "serial" });

/** Customers other specs sign in as: their cases are left alone here. */
const TAKEN = [users.customer.email, "oskar.johansson@kund.example", "theo.magnusson@kund.example"];

/** Lumo's desk decides one of its open cases, of a consumer no other spec
 * uses, through the API (the decision's own screens are the decisions
 * spec's); returns the case id and its customer's email. */
async function decideForLumo(baseURL: string, decision: Record<string, unknown>) {
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { "x-claimdesk-csrf": "1" } });
  await api.post("/api/v1/session", { data: { email: users.otherMerchant.email, password: PASSWORD } });
  const open = await (await api.get("/api/v1/cases?inbox=open&per_page=200")).json();
  let picked: { id: string; version: number; customer: string } | undefined;
  for (const item of open.items) {
    const detail = await (await api.get(`/api/v1/cases/${item.id}`)).json();
    const email: string = detail.customer.email;
    if (email.endsWith("@kund.example") && !TAKEN.includes(email)) {
      picked = { id: item.id, version: detail.version, customer: email };
      break;
    }
  }
  expect(picked, "Lumo has an open case of a consumer no other spec uses").toBeDefined();
  const decided = await api.post(`/api/v1/cases/${picked!.id}/decision`, {
    data: { version: picked!.version, ...decision },
    headers: { "idempotency-key": `e2e-decide-${picked!.id}` },
  });
  expect(decided.status()).toBe(200);
  await api.dispose();
  return { id: picked!.id, customer: picked!.customer };
}

test("a rejection is disputed, support hands it back, the customer closes it and rates", async ({ browser, baseURL }) => {
  const { id, customer } = await decideForLumo(baseURL!, { kind: "reject", note: "Normal wear, not a defect." });

  // The customer (Swedish) disputes it, from the case.
  const buyer = await signedIn(browser, customer);
  await buyer.goto(`/cases/${id}/receipt`);
  const buyerCase = new CasePage(buyer);
  await buyerCase.expectCase(id);
  await expect(buyerCase.status).toHaveText("Avslaget");
  await expect(buyer.getByText(/Du kan bestrida till och med/)).toBeVisible();
  await expectAccessible(buyer);
  await buyer.getByLabel("Varför är avslaget fel?").fill("Lampan gick sönder efter två dagar, det är inte slitage.");
  await buyer.getByRole("button", { name: "Bestrid avslaget" }).click();
  await expect(buyerCase.status).toHaveText("Plattformen granskar");
  await expect(buyer.getByRole("button", { name: "Bestrid avslaget" })).toHaveCount(0);

  // Support finds it in Disputes and hands it back with a note.
  const support = await signedIn(browser, users.support.email);
  await support.getByRole("link", { name: /^Disputes/ }).click();
  const disputes = new InboxPage(support);
  await disputes.expectHeading("Disputes");
  await disputes.search.fill(id);
  await expect(disputes.caseLinks()).toHaveText([id]);
  await expectAccessible(support);
  await disputes.caseLinks().first().click();
  await expect(support.getByText("Disputed: the customer contests the rejection.")).toBeVisible();
  await support.getByLabel("Note for the merchant").fill("The photos show a defect: offer a replacement.");
  await expectAccessible(support);
  await support.getByRole("button", { name: "Hand back" }).click();
  const supportCase = new CasePage(support);
  await expect(supportCase.status).toHaveText("Customer replied");

  // Lumo's agent has it in Open again, with support's note.
  const desk = await signedIn(browser, users.otherMerchant.email);
  const open2 = new InboxPage(desk);
  await open2.search.fill(id);
  await expect(open2.caseLinks()).toHaveText([id]);
  await desk.goto(`/cases/${id}/notes`);
  await expect(new CasePage(desk).posts.filter({ hasText: "offer a replacement" })).toHaveCount(1);

  // The customer says it is solved, then rates the support.
  await buyer.reload();
  await expect(buyerCase.status).toHaveText("Pågår");
  await buyer.getByRole("button", { name: "Mitt problem är löst" }).click();
  await buyer.getByRole("button", { name: "Bekräfta" }).click();
  await expect(buyerCase.status).toHaveText("Löst");
  await buyer.getByLabel("Bra", { exact: true }).check();
  await buyer.getByLabel("Kommentar (valfri)").fill("Tack för hjälpen!");
  await expectAccessible(buyer);
  await buyer.getByRole("button", { name: "Skicka betyg" }).click();
  await expect(buyer.getByTestId("rating")).toContainText("Bra");
  await expect(buyer.getByText(/Du kan ändra ditt betyg till och med/)).toBeVisible();

  // The desk sees the rating on the case.
  await desk.goto(`/cases/${id}/receipt`);
  await expect(desk.getByRole("heading", { name: "Kundens betyg" })).toBeVisible();
  await expect(desk.getByTestId("rating")).toContainText("Bra");
  await expect(desk.getByText("Tack för hjälpen!")).toBeVisible();
  await expectAccessible(desk);
  for (const page of [buyer, support, desk]) await page.context().close();
});

test("the customer makes the return label, a real PDF, once", async ({ browser, baseURL }) => {
  const { id, customer } = await decideForLumo(baseURL!, { kind: "return_label", note: "Send it back in its box." });
  const buyer = await signedIn(browser, customer);
  await buyer.goto(`/cases/${id}/receipt`);
  await new CasePage(buyer).expectCase(id);
  await expect(buyer.getByRole("heading", { name: "Din returetikett" })).toBeVisible();
  await expectAccessible(buyer);
  const [download] = await Promise.all([
    buyer.waitForEvent("download"),
    buyer.getByRole("link", { name: "Skapa returetiketten (PDF)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`return-label-${id}.pdf`);
  const bytes = readFileSync((await download.path())!);
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  expect(bytes.subarray(-6).toString()).toContain("%%EOF");
  // Made once: the page now offers the same file to download again.
  await buyer.reload();
  await expect(buyer.getByRole("link", { name: "Ladda ner returetiketten (PDF)" })).toBeVisible();
  await buyer.context().close();
});

test("the customer sees the merchant's reply arrive without reloading", async ({ browser, baseURL }) => {
  // The customer has the case open first; then Lumo's agent writes.
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { "x-claimdesk-csrf": "1" } });
  await api.post("/api/v1/session", { data: { email: users.otherMerchant.email, password: PASSWORD } });
  // A parked case: the desk's message keeps it there (the Open ones are
  // the other tests').
  const parked = await (await api.get("/api/v1/cases?inbox=parked&per_page=200")).json();
  let picked: { id: string; customer: string } | undefined;
  for (const item of parked.items) {
    const detail = await (await api.get(`/api/v1/cases/${item.id}`)).json();
    if (detail.customer.email.endsWith("@kund.example") && !TAKEN.includes(detail.customer.email)) {
      picked = { id: item.id, customer: detail.customer.email };
      break;
    }
  }
  expect(picked).toBeDefined();
  const buyer = await signedIn(browser, picked!.customer);
  await buyer.goto(`/cases/${picked!.id}/messages`);
  const buyerCase = new CasePage(buyer);
  await buyerCase.expectCase(picked!.id);
  const text = `Could you send a photo of the label? (${picked!.id})`;
  await expect(buyerCase.posts.filter({ hasText: text })).toHaveCount(0);
  const { version } = await (await api.get(`/api/v1/cases/${picked!.id}`)).json();
  const sent = await api.post(`/api/v1/cases/${picked!.id}/messages`, {
    data: { version, body: text },
    headers: { "idempotency-key": `e2e-live-${picked!.id}` },
  });
  expect(sent.status()).toBe(200);
  await api.dispose();
  // Live: the message and the new status appear on the open page.
  await expect(buyerCase.posts.filter({ hasText: text })).toHaveCount(1);
  await expect(buyerCase.status).toHaveText("Pågår");
  await buyer.context().close();
});
