// Settings and admin in the browser: API keys (shown once, used, revoked), credentials (added
// and listed without their secrets, OAuth2 connect, deleted), the credentials picker on a node
// and in the run dialog, and the admin pages (users, audit log).
import { FIRST_USER, apiCall, assert, assertAccessible, shot, watchedPage } from "./harness.mjs";

const THIRD_USER = { email: "third@example.com", password: "a third long secret" };

/** Accepts the next `confirm()` the page asks. */
const acceptNext = (page) => page.once("dialog", (d) => d.accept());

export const settingsScenarios = {
  async "API keys: created with permissions, shown once, used, revoked"({ browser }) {
    const page = await watchedPage(browser);
    await page.goto("/settings/api-keys");
    await page.getByText("No API keys yet.").waitFor();
    const form = page.getByRole("form", { name: "Create an API key" });
    await form.getByLabel("Name").fill("Deploy robot");
    await form.getByRole("checkbox", { name: /READ_GRAPH/ }).uncheck();
    await form.getByRole("checkbox", { name: /IDENTITY/ }).check();
    await form.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent()).trim();
    assert(key.startsWith("agk_"), `the key is shown: ${key}`);
    // The key works with what it was given, and only that.
    const me = await fetch(new URL("/external-api/v1/me", page.url()), { headers: { "X-API-Key": key } });
    assert(me.ok, `the key reaches /external-api/v1/me: ${me.status}`);
    const graphs = await fetch(new URL("/api/graphs", page.url()), { headers: { "X-API-Key": key } });
    assert(graphs.status === 403, `READ_GRAPH was not given: ${graphs.status}`);
    await page.getByRole("button", { name: "Done" }).click();
    const row = page.getByTestId("api-key").filter({ hasText: "Deploy robot" });
    await row.getByText("EXECUTE_GRAPH, IDENTITY").waitFor();
    await row.getByText("active").waitFor();
    assert(!(await page.content()).includes(key), "the key is not on the page any more");
    assert((await row.textContent()).includes(key.slice(0, 8)), "the list shows the key's prefix");
    // The last use is written in the background: it shows after a reload or two.
    for (let i = 0; i < 20 && !(await row.getByText(/^used /).count()); i++) {
      await page.waitForTimeout(250);
      await page.reload();
      await row.waitFor();
    }
    assert(await row.getByText(/^used /).count(), "the list shows the key's last use");
    await shot(page, "settings-api-keys");
    await assertAccessible(page, "the API keys page");
    acceptNext(page);
    await row.getByRole("button", { name: "Revoke Deploy robot" }).click();
    await row.getByText(/^revoked/).waitFor();
    const after = await fetch(new URL("/external-api/v1/me", page.url()), { headers: { "X-API-Key": key } });
    assert(after.status === 401, `a revoked key is refused: ${after.status}`);
    page.assertQuiet();
    await page.context().close();
  },

  async "credentials: an API key credential is listed without its secret; OAuth2 connect; delete"({ browser }) {
    const page = await watchedPage(browser);
    await page.goto("/settings/credentials");
    await page.getByText("No credentials yet.").waitFor();
    const form = page.getByRole("form", { name: "Add a credential" });
    const secret = "jina_e2e_0123456789abcdef";
    await form.getByLabel("Provider").selectOption("jina");
    await form.getByLabel("Title").fill("Jina for research");
    await form.getByLabel("API key").fill(secret);
    await form.getByRole("button", { name: "Save credential" }).click();
    const jina = page.getByTestId("provider-credentials").filter({ has: page.getByRole("heading", { name: "jina" }) });
    await jina.getByText("Jina for research").waitFor();
    await form.getByLabel("Provider").selectOption("smtp");
    await form.getByLabel("Title").fill("Mail relay");
    await form.getByLabel("Username").fill("robot@example.com");
    await form.getByLabel("Password", { exact: true }).fill("smtp-password-e2e");
    await form.getByRole("button", { name: "Save credential" }).click();
    await page.getByTestId("credential").filter({ hasText: "user robot@example.com" }).waitFor();
    await form.getByLabel("Provider").selectOption("http");
    await form.getByLabel("Title").fill("Internal API");
    await form.getByLabel("Host").fill("api.example.com");
    await form.getByLabel("Header 1 value").fill("Bearer header-secret-e2e");
    await form.getByRole("button", { name: "Save credential" }).click();
    await page.getByTestId("credential").filter({ hasText: "host api.example.com" }).waitFor();

    // OAuth2: GitHub's login goes (in a popup) to the stand-in provider and back.
    await form.getByLabel("Provider").selectOption("github");
    const popup = page.waitForEvent("popup");
    await form.getByRole("button", { name: "Connect github (OAuth2)" }).click();
    await (await popup).waitForEvent("close");
    const github = page.getByTestId("credential").filter({ hasText: "OAuth2" });
    await github.getByText("scopes repo").waitFor();

    const html = await page.content();
    const listed = JSON.stringify(await apiCall(page, "GET", "/api/integrations/credentials"));
    for (const s of [secret, "smtp-password-e2e", "header-secret-e2e", "gho_e2e"]) {
      assert(!html.includes(s) && !listed.includes(s), `a secret (${s.slice(0, 6)}…) is shown`);
    }
    await form.getByLabel("Provider").selectOption("jina");
    await shot(page, "credentials");
    await assertAccessible(page, "the credentials page");
    acceptNext(page);
    await page.getByRole("button", { name: "Delete Mail relay" }).click();
    await page.getByTestId("credential").filter({ hasText: "Mail relay" }).waitFor({ state: "detached" });
    page.assertQuiet();
    await page.context().close();
  },

  async "the credentials picker: a node's, added in place, and the run dialog's"({ browser, server }) {
    const page = await watchedPage(browser);
    await page.goto(`${server.url}/build`);
    await page.locator(".react-flow__pane").waitFor();
    await page.fill("#block-search", "Search The Web");
    await page.locator('[data-testid=palette-block][data-block="SearchTheWebBlock"]').click();
    const node = page.locator(".react-flow__node").first();
    const picker = node.getByTestId("in-credentials").locator("select");
    await picker.waitFor();
    await node.getByRole("button", { name: "Add jina credentials" }).click();
    const dialog = page.getByRole("dialog", { name: "Add jina credentials" });
    await dialog.getByLabel("Title").fill("Jina made in place");
    await dialog.getByLabel("API key").fill("jina_in_place_secret");
    await dialog.getByRole("button", { name: "Save credential" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="in-credentials"] select')?.selectedOptions[0]?.textContent === "Jina made in place",
    );
    await assertAccessible(page, "the builder with a credentials picker");
    await page.keyboard.press("Control+s");
    await page.getByText("Saved · version 1").waitFor();
    // The saved graph keeps the node's choice; its run form asks for the graph's credentials.
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const run = page.getByRole("dialog", { name: "Run agent" });
    const field = run.getByTestId("run-credentials").getByLabel("jina credentials (API key)");
    await field.waitFor();
    assert((await field.locator("option").allTextContents()).includes("Jina made in place"), "the run form offers the credential");
    await shot(page, "run-dialog-credentials");
    await assertAccessible(page, "the run dialog with credentials");
    await run.getByRole("button", { name: "Cancel" }).click();
    page.assertQuiet();
    await page.context().close();
  },

  async "admin pages: users (role, disable) and the audit log; hidden from others"({ browser }) {
    // A third account, made through the API from a browser that is not signed in.
    const visitor = await watchedPage(browser, undefined, { signedIn: false });
    const res = await visitor.request.post("/api/auth/signup", { data: { ...THIRD_USER, session: "cookie" } });
    assert(res.ok(), `the third account signs up: ${res.status()}`);
    await visitor.goto("/admin/users");
    await visitor.getByText("These pages are for administrators.").waitFor();
    assert(!(await visitor.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Admin", exact: true }).count()), "no Admin section for users");
    await visitor.context().close();

    const page = await watchedPage(browser);
    await page.goto("/");
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Admin", exact: true }).click();
    await page.waitForURL(/\/admin\/users$/);
    const third = page.getByTestId("admin-user").filter({ hasText: THIRD_USER.email });
    await third.getByLabel(`Role of ${THIRD_USER.email}`).selectOption("admin");
    await page.getByRole("status").filter({ hasText: `${THIRD_USER.email}: admin` }).waitFor();
    await third.getByLabel(`Role of ${THIRD_USER.email}`).selectOption("user");
    await page.getByRole("status").filter({ hasText: `${THIRD_USER.email}: user` }).waitFor();
    await third.getByRole("button", { name: `Disable ${THIRD_USER.email}` }).click();
    await third.getByText("disabled", { exact: true }).waitFor();
    const refused = await fetch(new URL("/api/auth/login", page.url()), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(THIRD_USER),
    });
    assert(refused.status >= 400, `a disabled account cannot sign in: ${refused.status}`);
    // The last admin cannot demote themself: the server's reason is shown.
    const me = page.getByTestId("admin-user").filter({ hasText: FIRST_USER.email });
    await me.getByLabel(`Role of ${FIRST_USER.email}`).selectOption("user");
    await page.getByRole("alert").first().waitFor();
    await shot(page, "admin-users");
    await assertAccessible(page, "the users page");
    await third.getByRole("button", { name: `Enable ${THIRD_USER.email}` }).click();
    await third.getByText("active", { exact: true }).waitFor();

    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
    await page.getByTestId("audit-event").first().waitFor();
    await page.getByLabel("Action").fill("role_change");
    await page.locator('[data-testid=audit-event][data-action="role_change"]').first().waitFor();
    assert((await page.getByTestId("audit-event").count()) === (await page.locator('[data-testid=audit-event][data-action="role_change"]').count()), "the filter shows role changes only");
    await page.getByLabel("Action").fill("");
    await page.locator('[data-testid=audit-event][data-action="user_disable"]').first().waitFor();
    await shot(page, "admin-audit");
    await assertAccessible(page, "the audit log");
    // The refused self-demotion logged a 409 on purpose.
    page.forgive(409);
    page.assertQuiet();
    await page.context().close();
  },
};
