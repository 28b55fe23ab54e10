import { test, expect, expectAccessible, users } from "../fixtures";
import { SignInPage } from "../pages/sign-in-page";

test("signed-out visitors land on an accessible sign-in page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in to claimdesk" })).toBeVisible();
  await expectAccessible(page);
});

test("empty fields are explained next to each field", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.email.fill("not-an-email");
  await signIn.submit.click();
  await expect(page.locator("#sign-in-email-error")).toHaveText("Enter a valid email address.");
  await expect(page.locator("#sign-in-password-error")).toHaveText("This field is required.");
  await expect(signIn.email).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
});

test("a wrong password says so and keeps the visitor on the page", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(users.merchant.email, "wrong password");
  await expect(page.getByRole("alert")).toHaveText("The email or password is not correct.");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(signIn.email).toHaveValue(users.merchant.email);
});

test("the sign-in page speaks Swedish and Dutch too", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await page.getByLabel("Language").selectOption("sv");
  await expect(page.getByRole("heading", { name: "Logga in på claimdesk" })).toBeVisible();
  await expect(page.getByLabel("Lösenord")).toBeVisible();
  await page.getByLabel("Språk").selectOption("nl");
  await expect(page.getByRole("heading", { name: "Inloggen bij claimdesk" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "nl");
  await expectAccessible(page);
});

test("unknown addresses say so, accessibly", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expectAccessible(page);
});
