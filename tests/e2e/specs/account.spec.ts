import { test, expect, expectAccessible } from "../fixtures";
import { SignInPage } from "../pages/sign-in-page";

/** A consumer of Fyndmarknad (Swedish); no other spec signs in as him,
 * so ending all his sessions disturbs no one. */
const theo = { email: "theo.magnusson@kund.example", name: "Theo Magnusson" };

test("sign out everywhere, from the account menu, ends the other device's session too", async ({ browser }) => {
  const phone = await browser.newContext({ locale: "en-GB" });
  const laptop = await browser.newContext({ locale: "en-GB" });
  const [onPhone, onLaptop] = [await phone.newPage(), await laptop.newPage()];
  for (const page of [onPhone, onLaptop]) {
    await new SignInPage(page).goto();
    await new SignInPage(page).signIn(theo.email);
    await expect(page.getByTestId("current-user")).toBeVisible();
  }
  // Keyboard only: the name opens the menu, Tab reaches its buttons.
  const menu = onLaptop.getByTestId("current-user");
  await expect(menu).toContainText(`Inloggad som ${theo.name}`);
  await menu.focus();
  await onLaptop.keyboard.press("Enter");
  const everywhere = onLaptop.getByRole("button", { name: "Logga ut överallt" });
  await expect(everywhere).toBeVisible();
  await expect(onLaptop.getByText("Avslutar dina sessioner på alla enheter, även den här.")).toBeVisible();
  await expectAccessible(onLaptop);
  await onLaptop.keyboard.press("Tab");
  await expect(onLaptop.getByRole("button", { name: "Logga ut", exact: true })).toBeFocused();
  await onLaptop.keyboard.press("Tab");
  await expect(everywhere).toBeFocused();
  await onLaptop.keyboard.press("Enter");
  await expect(onLaptop).toHaveURL(/\/sign-in$/);

  // The phone's session ended with it: its next page asks to sign in, and
  // signing in again returns there.
  await onPhone.goto("/orders");
  await expect(onPhone).toHaveURL(/\/sign-in\?next=%2Forders$/);
  await new SignInPage(onPhone).signIn(theo.email);
  await expect(onPhone).toHaveURL(/\/orders$/);
  await expect(onPhone.getByRole("heading", { level: 1 })).toBeVisible();
  await phone.close();
  await laptop.close();
});

test("too many wrong passwords lock the account and say for how long, in the user's language", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  // An address with no account is locked exactly like one with.
  const email = "guesser-target@nowhere.example";
  for (let attempt = 0; attempt < 5; attempt++) {
    await signIn.signIn(email, `guess ${attempt}`);
    await expect(page.getByRole("alert")).toHaveText("The email or password is not correct.");
    await signIn.password.fill("");
  }
  await signIn.signIn(email, "guess 5");
  await expect(page.getByRole("alert")).toHaveText("Too many attempts. Try again in 15 minutes.");
  await expectAccessible(page);
  await page.getByLabel("Language").selectOption("sv");
  await expect(page.getByRole("alert")).toHaveText("För många försök. Försök igen om 15 minuter.");
  await page.getByLabel("Språk").selectOption("nl");
  await expect(page.getByRole("alert")).toHaveText("Te veel pogingen. Probeer het over 15 minuten opnieuw.");
});
