import { test, expect, expectAccessible, users, PASSWORD } from "../fixtures";
import { request } from "@playwright/test";
import { signedIn } from "../pages/sign-in-page";
import { CasePage } from "../pages/case-page";

/** Consumers other specs sign in as: their cases are left alone here. */
const TAKEN = [users.customer.email, "oskar.johansson@kund.example", "theo.magnusson@kund.example", "elin.karlsson@kund.example"];

/** Nordic Home's newest open case of a consumer no other spec uses (other
 * specs work its oldest); its id and the customer's email. */
async function quietNordicCase(baseURL: string) {
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { "x-claimdesk-csrf": "1" } });
  await api.post("/api/v1/session", { data: { email: users.merchant.email, password: PASSWORD } });
  const open = await (await api.get("/api/v1/cases?inbox=open&per_page=200")).json();
  const items = [...open.items].sort((a: { id: string }, b: { id: string }) => b.id.localeCompare(a.id));
  for (const item of items) {
    const detail = await (await api.get(`/api/v1/cases/${item.id}`)).json();
    const email: string = detail.customer.email;
    if (email.endsWith("@kund.example") && !TAKEN.includes(email) && detail.summary.handler === "merchant") {
      await api.dispose();
      return { id: item.id as string, customer: email };
    }
  }
  throw new Error("Nordic Home has no open case of an unused consumer");
}

test("two agents see each other on a case, the customer's reading shows, and nothing is lost offline", async ({ browser, baseURL }) => {
  const { id, customer } = await quietNordicCase(baseURL!);
  const anna = await signedIn(browser, users.merchant.email);
  const erik = await signedIn(browser, users.merchantColleague.email);
  const annaCase = new CasePage(anna);
  await anna.goto(`/cases/${id}/messages`);
  await annaCase.expectCase(id);

  // Erik (Swedish) opens the same case: each sees the other.
  await erik.goto(`/cases/${id}/messages`);
  await new CasePage(erik).expectCase(id);
  const annaSees = anna.locator(".presence li");
  await expect(annaSees).toHaveText([`${users.merchantColleague.name} is viewing this case`]);
  await expect(erik.locator(".presence li")).toHaveText([`${users.merchant.name} tittar på ärendet`]);
  await expectAccessible(anna);

  // Erik types a message: Anna sees it, and it goes when he stops.
  await erik.getByLabel("Meddelande till kunden").pressSequentially("Hej! Vi tittar på", { delay: 40 });
  await expect(annaSees).toHaveText([`${users.merchantColleague.name} is typing…`]);
  await expectAccessible(anna);
  await expect(annaSees).toHaveText([`${users.merchantColleague.name} is viewing this case`], { timeout: 15_000 });

  // Erik leaves the case: he is gone from Anna's screen at once.
  await erik.getByRole("link", { name: "Tillbaka till inkorgen" }).click();
  await expect(annaSees).toHaveCount(0);
  // And closing his tab on it does the same.
  await erik.goto(`/cases/${id}/messages`);
  await expect(annaSees).toHaveText([`${users.merchantColleague.name} is viewing this case`]);
  await erik.close();
  await expect(annaSees).toHaveCount(0);

  // Anna writes to the customer: sent, not read yet.
  await annaCase.composer("Message to the customer").fill("Could you send a photo of the damage?");
  await anna.getByRole("button", { name: "Send", exact: true }).click();
  const annas = annaCase.posts.filter({ hasText: "Could you send a photo of the damage?" });
  await expect(annas).toHaveCount(1);
  await expect(annas.locator(".receipt")).toHaveText("Sent");

  // The customer (Swedish) opens the conversation: Anna sees it read.
  const buyer = await signedIn(browser, customer);
  const buyerCase = new CasePage(buyer);
  await buyer.goto(`/cases/${id}/messages`);
  await buyerCase.expectCase(id);
  await expect(buyerCase.posts.filter({ hasText: "Could you send a photo of the damage?" })).toHaveCount(1);
  await expect(annas.locator(".receipt")).toHaveText(/^Read /);
  // The customer sees no names of the desk, only that it is typing.
  await expect(buyer.locator(".presence li")).toHaveCount(0);
  await annaCase.composer("Message to the customer").pressSequentially("One more", { delay: 40 });
  await expect(buyer.locator(".presence li")).toHaveText(["Nordic Home AB skriver…"]);
  await expectAccessible(buyer);
  await annaCase.composer("Message to the customer").fill("");

  // The customer's network drops: the banner says so; meanwhile Anna
  // writes again.
  await buyer.context().setOffline(true);
  await expect(buyer.getByText(/^Anslutningen bröts/)).toBeVisible();
  await expectAccessible(buyer);
  await annaCase.composer("Message to the customer").fill("A courier will collect it on Tuesday.");
  await anna.getByRole("button", { name: "Send", exact: true }).click();
  await expect(annaCase.posts.filter({ hasText: "A courier will collect it on Tuesday." })).toHaveCount(1);

  // Back online: the banner goes and the message is there, once.
  await buyer.context().setOffline(false);
  await expect(buyer.getByText(/^Anslutningen bröts/)).toHaveCount(0);
  await expect(buyerCase.posts.filter({ hasText: "A courier will collect it on Tuesday." })).toHaveCount(1);
  await expect(buyerCase.posts.filter({ hasText: "Could you send a photo of the damage?" })).toHaveCount(1);
  // Reading it shows on Anna's side too.
  await expect(annaCase.posts.filter({ hasText: "A courier will collect it on Tuesday." }).locator(".receipt")).toHaveText(/^Read /);
  for (const page of [anna, buyer]) await page.context().close();
});
