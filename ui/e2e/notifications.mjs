// Notifications in the browser: a run that finishes raises the bell's count live (the page is
// not reloaded), the notifications page lists it with a link to the run, one is marked read and
// then all; the preferences are saved and kept, and a kind turned off is not told.
import { apiCall, assert, assertAccessible, shot, watchedPage } from "./harness.mjs";

/** Saves input → template → output and returns the graph. */
async function saveEcho(page, name) {
  const blocks = await apiCall(page, "GET", "/api/blocks");
  const id = (n) => blocks.find((b) => b.name === n).id;
  const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  return apiCall(page, "POST", "/api/graphs", {
    graph: {
      name,
      description: "Echoes its input.",
      nodes: [
        { id: ids[0], block_id: id("AgentInputBlock"), input_default: { name: "topic" }, metadata: { position: { x: 0, y: 0 } } },
        { id: ids[1], block_id: id("FillTextTemplateBlock"), input_default: { format: "Echo {{v}}" }, metadata: { position: { x: 360, y: 0 } } },
        { id: ids[2], block_id: id("AgentOutputBlock"), input_default: { name: "echo" }, metadata: { position: { x: 720, y: 0 } } },
      ],
      links: [
        { source_id: ids[0], sink_id: ids[1], source_name: "result", sink_name: "values_#_v" },
        { source_id: ids[1], sink_id: ids[2], source_name: "output", sink_name: "value" },
      ],
    },
  });
}

/** Starts a run through the API (the page is not reloaded) and waits until it ends. */
async function runToEnd(page, graph, topic) {
  const run = await apiCall(page, "POST", `/api/graphs/${graph.id}/execute/${graph.version}`, { inputs: { topic } });
  for (let i = 0; i < 100; i++) {
    const r = await apiCall(page, "GET", `/api/graphs/${graph.id}/executions/${run.id}`);
    if (["COMPLETED", "FAILED", "TERMINATED"].includes(r.status)) return r;
    await page.waitForTimeout(100);
  }
  throw new Error(`run ${run.id} did not end`);
}

const bell = (page) => page.getByRole("navigation", { name: "Sections" }).getByTestId("bell");

export const notificationScenarios = {
  async "notifications: a finished run raises the bell live; listed, marked read, all read"({ browser }) {
    const page = await watchedPage(browser);
    await apiCall(page, "POST", "/api/notifications/read-all");
    const graph = await saveEcho(page, "Bell ringer");
    await page.goto("/");
    await page.getByRole("heading", { name: "Library" }).waitFor();
    assert(!(await bell(page).getByTestId("unread-count").count()), "no unread count before the run");
    // A marker proves the page is never reloaded while the count rises.
    await page.evaluate(() => (window.__notReloaded = true));
    const first = await runToEnd(page, graph, "one");
    await bell(page).getByTestId("unread-count").filter({ hasText: /^1 unread$/ }).waitFor();
    assert(await page.getByRole("link", { name: "Alerts 1 unread", exact: true }).count(), "the bell names the unread count");
    await runToEnd(page, graph, "two");
    await bell(page).getByTestId("unread-count").filter({ hasText: /^2 unread$/ }).waitFor();
    assert(await page.evaluate(() => window.__notReloaded === true), "the page was not reloaded");

    await bell(page).click();
    await page.waitForURL(/\/notifications$/);
    await page.getByRole("heading", { name: "Notifications" }).waitFor();
    const rows = page.getByTestId("notification");
    await rows.nth(1).waitFor();
    const unread = page.locator('[data-testid=notification][data-read="false"][data-kind="RUN_FINISHED"]');
    assert((await unread.count()) === 2, `two unread run notifications: ${await unread.count()}`);
    assert((await rows.first().textContent()).includes("Bell ringer"), "a notification names the agent");
    // Earlier scenarios' runs are listed too (read): the first run's row links to its run.
    const mine = page.locator('[data-testid=notification][data-read="false"]').filter({ has: page.locator(`a[href="/runs/${first.id}"]`) });
    assert((await mine.count()) === 1, "the first run's notification links to the run");
    await page.getByTestId("unread-summary").getByText("2 unread").waitFor();
    await shot(page, "notifications");
    await assertAccessible(page, "the notifications page");
    await rows.first().getByRole("button", { name: /^Mark read/ }).click();
    await page.getByTestId("unread-summary").getByText("1 unread").waitFor();
    await bell(page).getByTestId("unread-count").filter({ hasText: /^1 unread$/ }).waitFor();
    await page.reload();
    await page.getByTestId("unread-summary").getByText("1 unread").waitFor();
    await page.getByRole("button", { name: "Mark all read" }).click();
    await page.getByTestId("unread-summary").getByText("All read").waitFor();
    await bell(page).getByTestId("unread-count").waitFor({ state: "detached" });
    assert(!(await page.locator('[data-testid=notification][data-read="false"]').count()), "every notification is read");

    // A new one arrives while the page is open: listed at the top without a reload.
    await runToEnd(page, graph, "three");
    await page.locator('[data-testid=notification][data-read="false"]').first().waitFor();
    await page.getByTestId("unread-summary").getByText("1 unread").waitFor();
    page.assertQuiet();
    await page.context().close();
  },

  async "notification preferences: saved, kept, and a kind turned off is not told"({ browser }) {
    const page = await watchedPage(browser);
    await page.goto("/settings/profile");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Notifications" }).click();
    await page.waitForURL(/\/settings\/notifications$/);
    const form = page.getByRole("form", { name: "Notification preferences" });
    await form.getByLabel("A run finished").selectOption("off");
    await form.getByLabel("A schedule keeps failing").selectOption("in_app");
    await form.getByLabel("Digest").selectOption("weekly");
    await form.getByLabel("Most single emails a day").fill("5000");
    await form.getByRole("button", { name: "Save preferences" }).click();
    // Over the server's limit: its own message, nothing saved.
    await form.getByRole("alert").getByText(/at most 1000/).waitFor();
    page.forgive(400);
    await form.getByLabel("Most single emails a day").fill("20");
    await form.getByRole("button", { name: "Save preferences" }).click();
    await page.getByRole("status").filter({ hasText: "Preferences saved" }).waitFor();
    await page.reload();
    await form.waitFor();
    assert((await form.getByLabel("A run finished").inputValue()) === "off", "the choice is kept");
    assert((await form.getByLabel("A schedule keeps failing").inputValue()) === "in_app", "the choice is kept");
    assert((await form.getByLabel("Digest").inputValue()) === "weekly", "the digest is kept");
    assert((await form.getByLabel("Most single emails a day").inputValue()) === "20", "the cap is kept");
    await shot(page, "notification-preferences");
    await assertAccessible(page, "the notification preferences");

    // Off: a finished run is not told. A failed run still is, and the watcher tells events in
    // order, so once the failure is listed the finished run would have been too.
    const before = await apiCall(page, "GET", "/api/notifications");
    const graph = await saveEcho(page, "Quiet one");
    await runToEnd(page, graph, "hush");
    const failing = await apiCall(page, "POST", "/api/graphs", {
      graph: {
        name: "Always fails",
        description: "",
        nodes: [{ id: crypto.randomUUID(), block_id: (await apiCall(page, "GET", "/api/blocks")).find((b) => b.name === "CalculatorBlock").id, input_default: { operation: "Divide", a: 1, b: 0 }, metadata: { position: { x: 0, y: 0 } } }],
        links: [],
      },
    });
    const failed = await runToEnd(page, failing, "x");
    let after;
    for (let i = 0; i < 50; i++) {
      after = await apiCall(page, "GET", "/api/notifications");
      if (after.notifications.some((n) => n.data.graph_exec_id === failed.id)) break;
      await page.waitForTimeout(100);
    }
    const fresh = after.notifications.filter((n) => !before.notifications.some((b) => b.id === n.id));
    assert(fresh.some((n) => n.kind === "RUN_FAILED"), `the failed run is told (${failed.status}): ${JSON.stringify(fresh.map((n) => n.kind))}`);
    assert(!fresh.some((n) => n.kind === "RUN_FINISHED"), "the finished run is not told");
    await form.getByLabel("A run finished").selectOption("in_app");
    await form.getByRole("button", { name: "Save preferences" }).click();
    await page.getByRole("status").filter({ hasText: "Preferences saved" }).first().waitFor();
    page.assertQuiet();
    await page.context().close();
  },
};
