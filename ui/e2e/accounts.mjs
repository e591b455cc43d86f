// Accounts in the browser: a wrong password is refused with the reason, signing out ends the
// session, a second account sees nothing of the first's, and a password change works.
import { FIRST_USER, apiCall, assert, assertAccessible, shot, watchedPage } from "./harness.mjs";

const SECOND_USER = { email: "second@example.com", password: "another long secret" };

async function signUpSecond(page) {
  await page.goto("/");
  await page.waitForURL(/\/signup/);
  await page.getByLabel("Email").fill(SECOND_USER.email);
  await page.getByLabel("Password", { exact: true }).fill(SECOND_USER.password);
  await page.getByLabel("Password again").fill(SECOND_USER.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Library" }).waitFor();
}

async function signInForm(page, user) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export const accountScenarios = {
  async "a wrong password says so; signing out ends the session"({ browser }) {
    const page = await watchedPage(browser, undefined, { signedIn: false });
    await page.goto("/runs");
    // A browser that never signed in here is offered sign-up first; it has an account.
    await page.waitForURL(/\/signup\?next=%2Fruns/);
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL(/\/login/);
    await assertAccessible(page, "the sign-in page");
    await signInForm(page, { ...FIRST_USER, password: "not the password" });
    await page.getByRole("alert").filter({ hasText: "wrong email or password" }).waitFor();
    await shot(page, "sign-in-error");
    await signInForm(page, FIRST_USER);
    await page.waitForURL(/\/runs$/);
    await page.getByRole("heading", { name: "Runs" }).waitFor();

    await page.getByRole("navigation", { name: "Sections" }).getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    const cookies = (await page.context().cookies()).map((c) => c.name);
    assert(!cookies.includes("agentry_session") && !cookies.includes("agentry_refresh"), `the session cookies are gone: ${cookies}`);
    // The pages stay closed, and this browser is now offered sign-in, not sign-up.
    await page.goto("/runs");
    await page.waitForURL(/\/login\?next=%2Fruns/);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    page.assertQuiet();
    await page.context().close();
  },

  async "a second account sees none of the first account's agents; password change"({ browser }) {
    const admin = await watchedPage(browser);
    const secret = await apiCall(admin, "POST", "/api/graphs", {
      graph: { name: "The admin's agent", description: "", nodes: [], links: [] },
    });
    await admin.goto("/settings/profile");
    await admin.getByTestId("account-email").getByText("admin", { exact: true }).waitFor();
    await admin.context().close();

    const page = await watchedPage(browser, undefined, { signedIn: false });
    await signUpSecond(page);
    await page.getByText("No agents yet").waitFor();
    assert((await page.getByTestId("library-agent").count()) === 0, "the second account's library is empty");
    assert((await apiCall(page, "GET", "/api/graphs")).length === 0, "the API lists no graph either");
    await page.goto(`/build/${secret.id}`);
    await page.getByRole("alert").first().waitFor();
    assert((await page.getByText("The admin's agent").count()) === 0, "the other account's graph does not open");
    await page.goto("/runs");
    await page.getByText("No runs yet.").waitFor();
    await page.goto("/settings/profile");
    await page.getByTestId("account-email").getByText(SECOND_USER.email).waitFor();
    assert((await page.getByTestId("account-email").textContent()).includes("user"), "the second account is a user");

    const form = page.getByRole("form", { name: "Change password" });
    const changed = "a brand new password";
    await form.getByLabel("Current password").fill("wrong password here");
    await form.getByLabel("New password", { exact: true }).fill(changed);
    await form.getByLabel("New password again").fill(changed);
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByRole("alert").filter({ hasText: "the current password is wrong" }).waitFor();
    await form.getByLabel("Current password").fill(SECOND_USER.password);
    await form.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
    await shot(page, "settings-profile");
    await assertAccessible(page, "the profile settings");
    await page.getByRole("region", { name: "Account" }).getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/login/);
    await signInForm(page, { ...SECOND_USER, password: changed });
    await page.getByRole("heading", { name: "Library" }).waitFor();
    page.assertQuiet();
    await page.context().close();
  },
};
