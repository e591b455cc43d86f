// The store in the browser: a creator submits one of their agents (a wrong image type is
// refused with the server's reason), an admin reviews it read-only with its permissions and
// approves, a second user finds it by search, sees what it can do, adds it to their library
// and runs it; a rejection's comment reaches the creator; a shared run's link works and is
// dead once revoked; the credits page on a server that keeps credits (and its absence on one
// that does not).
import { FIRST_USER, apiCall, assert, assertAccessible, shot, signIn, startServer, watchedPage } from "./harness.mjs";

const CREATOR = { email: "creator@example.com", password: "creator long secret" };
const RUNNER = { email: "runner@example.com", password: "runner long secret" };
// A 1×1 PNG: the server decides the type from these bytes.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** A page signed in as `user`, made through the sign-up API the first time. */
async function pageAs(browser, user, options = {}) {
  const page = await watchedPage(browser, options.viewport, { signedIn: false, expectRefusals: false, server: options.server });
  const made = await page.request.post("/api/auth/signup", { data: { ...user, session: "cookie" } });
  if (!made.ok()) await signIn(page, user);
  return page;
}

/** Saves input → template → output: "Hello {{v}}!" with the input as `v`. */
async function saveGreeter(page, name, format = "Hello {{v}}!") {
  const blocks = await apiCall(page, "GET", "/api/blocks");
  const id = (n) => blocks.find((b) => b.name === n).id;
  const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  return apiCall(page, "POST", "/api/graphs", {
    graph: {
      name,
      description: "Greets whoever you name.",
      nodes: [
        { id: ids[0], block_id: id("AgentInputBlock"), input_default: { name: "topic" }, metadata: { position: { x: 0, y: 0 } } },
        { id: ids[1], block_id: id("FillTextTemplateBlock"), input_default: { format }, metadata: { position: { x: 360, y: 0 } } },
        { id: ids[2], block_id: id("AgentOutputBlock"), input_default: { name: "greeting" }, metadata: { position: { x: 720, y: 0 } } },
      ],
      links: [
        { source_id: ids[0], sink_id: ids[1], source_name: "result", sink_name: "values_#_v" },
        { source_id: ids[1], sink_id: ids[2], source_name: "output", sink_name: "value" },
      ],
    },
  });
}

const output = (page, name) => page.locator(`[data-testid=run-outputs] [data-output="${name}"]`);

export const storeScenarios = {
  async "store: a creator submits, an admin approves, another user finds it, adds it and runs it"({ browser }) {
    // The creator submits through the form.
    const creator = await pageAs(browser, CREATOR);
    const graph = await saveGreeter(creator, "Polyglot greeter");
    await creator.goto("/store/submit");
    // A new creator makes their profile first (the page asks the server, which says 404).
    await creator.getByRole("form", { name: "Creator profile" }).waitFor();
    creator.forgive(404);
    await creator.getByLabel("Username").fill("greeter-works");
    await creator.getByLabel("Display name").fill("Greeter Works");
    await creator.getByLabel("About you").fill("We make agents that say hello.");
    await creator.getByRole("button", { name: "Save profile" }).click();
    await creator.getByLabel("Agent", { exact: true }).selectOption({ label: "Polyglot greeter" });
    await creator.getByLabel("Version", { exact: true }).locator("option").first().waitFor({ state: "attached" });
    await creator.getByLabel("Sub-heading").fill("Says hello, warmly");
    await creator.getByLabel("Description").fill("A friendly salutation machine for any name.");
    await creator.getByLabel("Instructions").fill("Type a name, read the greeting.");
    await creator.getByLabel("productivity").check();
    const images = creator.getByLabel("Images (PNG, JPEG, GIF or WebP)");
    await images.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") });
    await creator.getByTestId("image-error").getByText("not a PNG, JPEG, GIF or WebP").waitFor();
    creator.forgive(415);
    await images.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]) });
    await creator.getByTestId("image-error").getByText(/huge\.png: the image is \d+ bytes; at most \d+ are accepted/).waitFor();
    creator.forgive(413);
    await images.setInputFiles({ name: "shot.png", mimeType: "image/png", buffer: PNG });
    await creator.getByRole("img", { name: "uploaded" }).waitFor();
    await shot(creator, "store-submit");
    await assertAccessible(creator, "the submit page");
    await creator.getByRole("button", { name: "Submit for review" }).click();
    await creator.waitForURL(/\/store\/submissions$/);
    const mine = creator.getByTestId("submission").filter({ hasText: "Polyglot greeter" });
    assert((await mine.getByTestId("submission-status").textContent()) === "PENDING", "a new submission waits for review");
    // A pending submission can still be edited.
    await mine.getByRole("button", { name: "Edit" }).click();
    await mine.getByLabel("Sub-heading").fill("Says hello, warmly, in any language");
    await mine.getByRole("button", { name: "Save changes" }).click();
    await mine.getByRole("button", { name: "Edit" }).waitFor();
    await assertAccessible(creator, "my submissions");
    creator.assertQuiet();

    // The admin reviews it: graph read-only, permissions, then approves.
    const admin = await watchedPage(browser);
    await admin.goto("/admin/reviews");
    await admin.getByRole("link", { name: "Polyglot greeter" }).click();
    await admin.getByTestId("permissions").waitFor();
    await admin.getByTestId("review-graph").locator("[data-testid=block-node]").nth(2).waitFor();
    assert(await admin.getByTestId("review-graph").evaluate((f) => f.disabled), "the graph is read-only");
    await admin.getByText("Says hello, warmly, in any language").waitFor();
    await admin.getByTestId("review-graph").scrollIntoViewIfNeeded();
    await shot(admin, "store-review");
    await assertAccessible(admin, "the review page");
    await admin.getByLabel("Comment for the creator").fill("Lovely, published.");
    await admin.getByLabel("Internal note (admins only)").fill("Checked the template block.");
    await admin.getByRole("button", { name: "Approve" }).click();
    await admin.getByText("Approved and published").waitFor();
    await admin.getByText(/approve by/).waitFor();
    admin.assertQuiet();
    await admin.context().close();

    // Another user searches, reads the permissions, adds it and runs it.
    const runner = await pageAs(browser, RUNNER);
    await runner.goto("/store");
    await runner.getByLabel("Search agents").fill("salutation");
    await runner.getByRole("button", { name: "Search" }).click();
    const card = runner.getByTestId("listing").filter({ hasText: "Polyglot greeter" });
    await card.waitFor();
    await shot(runner, "store");
    await assertAccessible(runner, "the store");
    await card.getByRole("link", { name: "Polyglot greeter" }).click();
    await runner.getByTestId("permissions").getByText("Credentials it asks you for").waitFor();
    await shot(runner, "store-listing");
    await assertAccessible(runner, "a store listing");
    await runner.getByRole("button", { name: "Add to library" }).click();
    await runner.getByText("In your library, following updates").waitFor();
    await runner.getByRole("button", { name: "Run", exact: true }).click();
    const dialog = runner.getByRole("dialog", { name: "Run agent" });
    await dialog.getByLabel("topic", { exact: true }).fill("Ada");
    await dialog.getByRole("button", { name: "Start run" }).click();
    await runner.waitForURL(/\/runs\/[0-9a-f-]+\?graph=/);
    await output(runner, "greeting").getByText("Hello Ada!").waitFor({ timeout: 20000 });
    // One rating per user and version: a second is refused with the server's reason.
    await runner.goBack();
    await runner.getByLabel("Your rating").selectOption({ label: "★★★★" });
    await runner.getByRole("button", { name: "Rate" }).click();
    await runner.getByText("Thanks for rating it").waitFor();
    await runner.getByText("★ 4.0").waitFor();
    await runner.getByRole("button", { name: "Rate" }).click();
    await runner.getByText(/already/i).waitFor();
    runner.forgive(409);
    // The library lists it under "From the store", runnable from there too.
    await runner.goto("/");
    const shelf = runner.getByTestId("store-agent").filter({ hasText: "Polyglot greeter" });
    await shelf.getByText("follows updates").waitFor();
    await shelf.getByText("Needs no credentials.").waitFor();
    // Folders, favourites and archive live on the server's library record.
    runner.once("dialog", (d) => d.accept("Greeters"));
    await runner.getByRole("button", { name: "New folder" }).click();
    await runner.getByLabel("Folder", { exact: true }).locator("option", { hasText: "Greeters" }).waitFor({ state: "attached" });
    await shelf.getByLabel("Folder of Polyglot greeter").selectOption({ label: "Greeters" });
    await runner.getByLabel("Folder", { exact: true }).selectOption({ label: "Greeters" });
    await shelf.getByRole("button", { name: "favourite Polyglot greeter" }).click();
    await shelf.locator('[aria-pressed="true"]').waitFor();
    await shelf.getByRole("button", { name: "Archive" }).click();
    await shelf.waitFor({ state: "detached" });
    await runner.getByRole("region", { name: "From the store" }).getByLabel("Archived").check();
    await shelf.getByRole("button", { name: "Unarchive" }).click();
    await runner.getByRole("region", { name: "From the store" }).getByLabel("Archived").uncheck();
    await shelf.getByText("follows updates").waitFor();
    await assertAccessible(runner, "the library with a store agent");
    runner.assertQuiet();

    // The creator's page lists it; the store and a listing work at 360 px.
    const phone = await pageAs(browser, RUNNER, { viewport: { width: 360, height: 740 } });
    await phone.goto("/store");
    await phone.getByTestId("listing").first().waitFor();
    await phone.goto("/creators/greeter-works");
    await phone.getByRole("heading", { name: "Greeter Works" }).waitFor();
    await phone.getByTestId("listing").filter({ hasText: "Polyglot greeter" }).waitFor();
    await assertAccessible(phone, "a creator page");
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, `the creator page fits 360 px (scroll width ${width})`);
    await shot(phone, "store-360");
    await phone.goto("/store/greeter-works/polyglot-greeter");
    await phone.getByTestId("permissions").waitFor();
    const listingWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert(listingWidth <= 360, `a listing fits 360 px (scroll width ${listingWidth})`);
    await assertAccessible(phone, "a listing at 360 px");
    phone.assertQuiet();
    for (const p of [creator, runner, phone]) await p.context().close();
    void graph;
  },

  async "store: a rejected submission shows the reviewer's comment to its creator"({ browser }) {
    const creator = await pageAs(browser, CREATOR);
    const graph = await saveGreeter(creator, "Half-baked greeter");
    // Made in the first scenario; this one stands alone too.
    await creator.request.fetch("/api/store/profile", { method: "POST", data: { username: "greeter-works", name: "Greeter Works" }, headers: { "X-CSRF-Token": (await creator.context().cookies()).find((c) => c.name === "agentry_csrf")?.value ?? "" } });
    await apiCall(creator, "POST", "/api/store/submissions", {
      agent_id: graph.id,
      agent_version: graph.version,
      slug: "half-baked-greeter",
      name: "Half-baked greeter",
    });
    // A graph whose node holds a key is refused, and the form says why.
    await saveGreeter(creator, "Leaky greeter", "sk-abcdefghijklmnopqrstuvwx");
    await creator.goto("/store/submit");
    await creator.getByLabel("Agent", { exact: true }).selectOption({ label: "Leaky greeter" });
    await creator.getByLabel("Version", { exact: true }).locator("option").first().waitFor({ state: "attached" });
    await creator.getByRole("button", { name: "Submit for review" }).click();
    await creator.getByRole("alert").getByText("nodes of this graph hold secrets in their inputs: use credentials instead").waitFor();
    creator.forgive(400);
    const admin = await watchedPage(browser);
    await admin.goto("/admin/reviews");
    await admin.getByRole("link", { name: "Half-baked greeter" }).click();
    await admin.setViewportSize({ width: 360, height: 740 });
    await admin.getByTestId("review-graph").waitFor();
    const reviewWidth = await admin.evaluate(() => document.documentElement.scrollWidth);
    assert(reviewWidth <= 360, `the review page fits 360 px (scroll width ${reviewWidth})`);
    await assertAccessible(admin, "the review page at 360 px");
    await admin.getByLabel("Comment for the creator").fill("Please add a description and instructions.");
    await admin.getByLabel("Internal note (admins only)").fill("Second time this week.");
    await admin.getByRole("button", { name: "Reject" }).click();
    await admin.getByText("Rejected: the creator sees your comment").waitFor();
    admin.assertQuiet();
    await admin.context().close();
    await creator.goto("/store/submissions");
    const row = creator.getByTestId("submission").filter({ hasText: "Half-baked greeter" });
    await row.getByTestId("review-comment").getByText("Please add a description and instructions.").waitFor();
    assert((await row.getByTestId("submission-status").textContent()) === "REJECTED", "rejected");
    assert(!(await creator.getByText("Second time this week.").count()), "the internal note stays with the admins");
    creator.assertQuiet();
    await creator.context().close();
  },

  async "store: a pending submission withdrawn; an approved one taken down, and the library says so"({ browser }) {
    const creator = await pageAs(browser, CREATOR);
    await creator.request.fetch("/api/store/profile", { method: "POST", data: { username: "greeter-works", name: "Greeter Works" }, headers: { "X-CSRF-Token": (await creator.context().cookies()).find((c) => c.name === "agentry_csrf")?.value ?? "" } });
    const draft = await saveGreeter(creator, "Second thoughts");
    await apiCall(creator, "POST", "/api/store/submissions", { agent_id: draft.id, agent_version: draft.version, slug: "second-thoughts", name: "Second thoughts" });
    await creator.goto("/store/submissions");
    const row = creator.getByTestId("submission").filter({ hasText: "Second thoughts" });
    creator.once("dialog", (d) => d.accept());
    await row.getByRole("button", { name: "Withdraw" }).click();
    await row.waitFor({ state: "detached" });

    const graph = await saveGreeter(creator, "Short-lived greeter");
    const sub = await apiCall(creator, "POST", "/api/store/submissions", { agent_id: graph.id, agent_version: graph.version, slug: "short-lived-greeter", name: "Short-lived greeter" });
    const admin = await watchedPage(browser);
    await apiCall(admin, "POST", `/api/store/admin/submissions/${sub.store_listing_version_id}/review`, { is_approved: true });
    const runner = await pageAs(browser, RUNNER);
    await apiCall(runner, "POST", "/api/library/agents", { store_listing_version_id: sub.store_listing_version_id });
    await admin.goto(`/admin/reviews/${sub.store_listing_version_id}`);
    await admin.getByLabel("Reason to take it down").fill("Impersonates another creator.");
    await admin.getByRole("button", { name: "Take down" }).click();
    await admin.getByText("Taken down: Impersonates another creator.").waitFor();
    await runner.goto("/");
    const shelf = runner.getByTestId("store-agent").filter({ hasText: "Short-lived greeter" });
    await shelf.getByText("Taken down: it can no longer run.").waitFor();
    assert(await shelf.getByRole("button", { name: "Run" }).isDisabled(), "a taken-down agent cannot be run");
    await creator.goto("/store/submissions");
    await creator.getByTestId("submission").filter({ hasText: "Short-lived greeter" }).getByText("Impersonates another creator.").waitFor();
    for (const p of [creator, admin, runner]) {
      p.assertQuiet();
      await p.context().close();
    }
  },

  async "a shared run: its link shows the outputs, and is dead once revoked"({ browser }) {
    const page = await watchedPage(browser);
    const graph = await saveGreeter(page, "Shared greeter");
    const run = await apiCall(page, "POST", `/api/graphs/${graph.id}/execute/${graph.version}`, { inputs: { topic: "Grace" } });
    await page.goto(`/runs/${run.id}?graph=${graph.id}`);
    await output(page, "greeting").getByText("Hello Grace!").waitFor({ timeout: 20000 });
    await page.getByRole("button", { name: "Share outputs…" }).click();
    const link = await page.getByLabel("Share link").inputValue();
    assert(/\/share\/[\w-]{16,}$/.test(link), `an unguessable link: ${link}`);
    const visitor = await watchedPage(browser, undefined, { signedIn: false });
    await visitor.goto(link);
    await visitor.getByRole("heading", { name: "Shared greeter" }).waitFor();
    await visitor.getByTestId("shared-greeting").getByText("Hello Grace!").waitFor();
    assert(!(await visitor.getByText("Inputs", { exact: true }).count()), "inputs stay hidden unless chosen");
    await shot(visitor, "shared-run");
    await assertAccessible(visitor, "a shared run");
    await page.getByRole("button", { name: "Revoke link" }).click();
    await page.getByRole("button", { name: "Share outputs…" }).waitFor();
    await visitor.reload();
    await visitor.getByText("This link does not work").waitFor();
    visitor.assertQuiet();
    page.assertQuiet();
    await visitor.context().close();
    await page.context().close();
  },

  async "credits: balance, admin grant and history where the server keeps credits; absent elsewhere"({ browser }) {
    const plain = await watchedPage(browser);
    await plain.goto("/settings/profile");
    await plain.getByRole("link", { name: "API keys" }).waitFor();
    assert(!(await plain.getByRole("link", { name: "Credits" }).count()), "no credits tab when credits are off");
    await plain.context().close();

    const paid = await startServer({ env: { AGENTRY_CREDITS__ENABLED: "true" }, primary: false });
    try {
      const page = await pageAs(browser, FIRST_USER, { server: paid.url });
      await page.goto("/settings/profile");
      await page.getByRole("link", { name: "Credits" }).click();
      await page.getByTestId("balance").getByText("0 credits").waitFor();
      await page.getByLabel("Account", { exact: true }).selectOption({ label: FIRST_USER.email });
      await page.getByLabel("Credits", { exact: true }).fill("2500");
      await page.getByLabel("Why").fill("welcome grant");
      await page.getByRole("button", { name: "Grant" }).click();
      await page.getByTestId("balance").getByText("2500 credits").waitFor();
      const ledger = page.getByTestId("ledger");
      await ledger.getByText("welcome grant").waitFor();
      await ledger.getByRole("cell", { name: "GRANT", exact: true }).waitFor();
      await shot(page, "credits");
      await assertAccessible(page, "the credits page");
      page.assertQuiet();
      await page.context().close();
    } finally {
      paid.stop();
    }
  },
};
