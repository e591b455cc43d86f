// What a runner does with an agent, in the browser: a human review answered from the run view,
// re-run with the same inputs, stop; presets; a schedule made with the cron editor (its next
// five runs); a webhook URL copied and sent a test request.
import { apiCall, assert, assertAccessible, shot, watchedPage } from "./harness.mjs";

/** Saves a graph of `blocks` (by block name, with their inputs) linked in `links`. */
async function saveGraph(page, name, blocks, links) {
  const catalogue = await apiCall(page, "GET", "/api/blocks");
  const ids = {};
  const nodes = Object.entries(blocks).map(([key, [block, input_default]], i) => {
    ids[key] = crypto.randomUUID();
    const found = catalogue.find((b) => b.name === block);
    assert(found, `no block ${block}`);
    return { id: ids[key], block_id: found.id, input_default, metadata: { position: { x: i * 360, y: 0 } } };
  });
  const graph = await apiCall(page, "POST", "/api/graphs", {
    graph: {
      name,
      description: "",
      nodes,
      links: links.map(([from, out, to, input]) => ({ source_id: ids[from], source_name: out, sink_id: ids[to], sink_name: input })),
    },
  });
  return graph;
}

const output = (page, name) => page.locator(`[data-testid=run-outputs] [data-output="${name}"]`);
const status = (page) => page.getByTestId("run-view").getByTestId("run-status").first();

async function runFromLibrary(page, graph, values) {
  await page.goto(`/library/${graph.id}`);
  await page.getByRole("heading", { name: graph.name }).waitFor();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Run agent" });
  for (const [label, value] of Object.entries(values)) await dialog.getByLabel(label, { exact: true }).fill(value);
  await dialog.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]+\?graph=/);
}

export const runnerScenarios = {
  async "a review answered from the run view; re-run with the same inputs; stop"({ browser }) {
    const page = await watchedPage(browser);
    const graph = await saveGraph(
      page,
      "Needs a look",
      {
        topic: ["AgentInputBlock", { name: "topic" }],
        review: ["HumanInTheLoopBlock", { name: "the topic" }],
        yes: ["AgentOutputBlock", { name: "approved" }],
        no: ["AgentOutputBlock", { name: "rejected" }],
      },
      [
        ["topic", "result", "review", "data"],
        ["review", "approved_data", "yes", "value"],
        ["review", "rejected_data", "no", "value"],
      ],
    );
    await runFromLibrary(page, graph, { topic: "cats" });
    const review = page.getByTestId("review");
    await review.getByText('"cats"').waitFor();
    await status(page).getByText("review").waitFor();
    // The run's own page names each node's block (without the builder having been opened).
    await page.getByTestId("run-view").getByText("Human In The Loop", { exact: true }).waitFor();
    await shot(page, "run-review");
    await assertAccessible(page, "a run waiting for review");
    await review.getByRole("button", { name: "Approve" }).click();
    await output(page, "approved").getByText("cats").waitFor();
    await status(page).getByText("completed").waitFor();
    const first = page.url();

    await page.getByRole("button", { name: "Re-run" }).click();
    await page.waitForURL((u) => u.toString() !== first);
    await page.getByTestId("review").getByText('"cats"').waitFor();
    await page.getByTestId("review").getByRole("button", { name: "Reject" }).click();
    await output(page, "rejected").getByText("cats").waitFor();
    assert(!(await output(page, "approved").count()), "the re-run was rejected, not approved");

    const slow = await saveGraph(page, "Slow", { wait: ["CountdownTimerBlock", { input_message: "done", seconds: 120 }] }, []);
    await runFromLibrary(page, slow, {});
    await status(page).getByText(/running|queued/).waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await status(page).getByText("terminated").waitFor();
    page.assertQuiet();
    await page.context().close();
  },

  async "presets, a schedule with its next five runs, a webhook URL copied and tested"({ browser }) {
    const page = await watchedPage(browser);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    const graph = await saveGraph(
      page,
      "Greeter",
      {
        name: ["AgentInputBlock", { name: "name" }],
        out: ["AgentOutputBlock", { name: "greeting" }],
      },
      [["name", "result", "out", "value"]],
    );
    await runFromLibrary(page, graph, { name: "Ada" });
    await output(page, "greeting").getByText("Ada").waitFor();

    // A preset from the last run's inputs, then a run from the preset (the form comes filled).
    await page.goto(`/library/${graph.id}`);
    await page.getByTestId("run-list").locator("a").first().waitFor();
    page.once("dialog", (d) => d.accept("Ada's preset"));
    await page.getByRole("button", { name: "Save last run's inputs as a preset" }).click();
    const preset = page.getByRole("listitem").filter({ hasText: "Ada's preset" });
    await preset.waitFor();
    await preset.getByRole("button", { name: "Run" }).click();
    const dialog = page.getByRole("dialog", { name: "Run agent" });
    assert((await dialog.getByLabel("name", { exact: true }).inputValue()) === "Ada", "the preset fills the form");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // The cron editor shows the next five runs in the browser's time zone.
    await page.getByLabel("Schedule name").fill("Weekday mornings");
    await page.getByLabel("Cron pattern").fill("0 9 * * 1-5");
    const next = page.getByTestId("next-runs").locator("li");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=next-runs] li").length === 5);
    for (const t of await next.allTextContents()) assert(/9:00|09:00/.test(t), `a weekday at nine: ${t}`);
    await page.getByRole("button", { name: "Add schedule" }).click();
    await page.getByRole("listitem").filter({ hasText: "Weekday mornings" }).getByText("0 9 * * 1-5").waitFor();

    // A webhook-triggered agent's page: its URL is copied, and a test request starts a run.
    const hooked = await saveGraph(
      page,
      "Hooked",
      { hook: ["GenericWebhookTriggerBlock", {}], out: ["AgentOutputBlock", { name: "payload" }] },
      [["hook", "payload", "out", "value"]],
    );
    await page.goto(`/library/${hooked.id}`);
    await page.getByTestId("webhook-url").waitFor();
    const url = (await page.getByTestId("webhook-url").textContent()).trim();
    await page.getByRole("button", { name: "Copy" }).click();
    assert((await page.evaluate(() => navigator.clipboard.readText())) === url, "the URL is on the clipboard");
    const before = await page.locator("[data-testid=run-list] a").count();
    await page.getByRole("button", { name: "Send a test request" }).click();
    const answer = page.getByRole("status").filter({ hasText: "Test request accepted" }).or(page.getByRole("alert"));
    await answer.first().waitFor();
    assert((await answer.first().textContent()).includes("Test request accepted"), `the test request: ${await answer.first().textContent()}`);
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=run-list] a").length > n, before);
    await shot(page, "agent-page");
    await assertAccessible(page, "an agent's page");
    page.assertQuiet();
    await page.context().close();
  },
};
