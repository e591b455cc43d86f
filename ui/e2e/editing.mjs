// The builder's other tools, in the browser: problems the server names marked on the node at
// fault, the shortcut sheet, copy and paste between graphs, export, an AutoGPT file dropped on
// the page; and the library's search, favourites and archive, and a run's page after its graph
// was deleted.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, apiCall, assert, assertAccessible, watchedPage } from "./harness.mjs";

const CALCULATOR = join(ROOT, "../shared/autogpt-agents/calculator-agent.json");
const templateNode = (page) => page.locator(".react-flow__node").filter({ has: page.locator('[data-block="FillTextTemplateBlock"]') });

export const editingScenarios = {
  async "node errors, shortcut sheet, copy and paste between graphs, export, a dropped file"({ browser }) {
    const page = await watchedPage(browser);
    await page.goto("/build");
    await page.locator(".react-flow__pane").waitFor();
    await page.fill("#block-search", "Fill Text Template");
    await page.locator('[data-testid=palette-block][data-block="FillTextTemplateBlock"]').click();
    await page.keyboard.press("Escape");
    await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Control+s");
    await page.getByText("Saved · version 1").waitFor();
    const first = page.url();

    // The server refuses the run and names the node and input at fault; the node shows it.
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Run agent" });
    await dialog.getByRole("button", { name: "Start run" }).click();
    await dialog.getByRole("alert").filter({ hasText: "required input `format`" }).waitFor();
    page.forgive(400);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await templateNode(page).getByText(/required input `format` has no value/).waitFor();

    // The shortcut sheet.
    await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Shift+?");
    const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await sheet.waitFor();
    await assertAccessible(page, "the shortcut sheet");
    await page.keyboard.press("Escape");
    await sheet.waitFor({ state: "hidden" });

    // Export writes the graph as a file.
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export" }).click();
    const file = JSON.parse(readFileSync(await (await download).path(), "utf8"));
    assert(file.nodes?.length === 1 && file.nodes[0].block_id, "the export holds the node");

    // Copy the node, paste it into a new graph.
    await templateNode(page).locator('[data-testid=block-node] > div:first-child').click();
    await page.keyboard.press("Control+c");
    await page.goto("/build");
    await page.locator(".react-flow__pane").waitFor();
    await page.locator(".react-flow__pane").click({ position: { x: 200, y: 200 } });
    await page.keyboard.press("Control+v");
    await templateNode(page).waitFor();
    assert((await page.locator(".react-flow__node").count()) === 1, "one node pasted");

    // An AutoGPT file dropped on the page is imported as a new agent.
    await page.goto(first);
    await page.getByText("Saved · version 1").waitFor();
    const text = readFileSync(CALCULATOR, "utf8");
    const drop = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], "calculator-agent.json", { type: "application/json" }));
      return dt;
    }, text);
    await page.locator("main[aria-label=Canvas]").dispatchEvent("dragover", { dataTransfer: drop });
    await page.locator("main[aria-label=Canvas]").dispatchEvent("drop", { dataTransfer: drop });
    await page.waitForURL((u) => u.toString() !== first && /\/build\/[0-9a-f-]+$/.test(u.pathname));
    await page.locator('[data-block="CalculatorBlock"]').first().waitFor();
    page.assertQuiet();
    await page.context().close();
  },

  async "library: search, favourites, archive; a run's page after its graph was deleted"({ browser }) {
    const page = await watchedPage(browser);
    const make = (name) => apiCall(page, "POST", "/api/graphs", { graph: { name, description: `${name} does things`, nodes: [], links: [] } });
    const keep = await make("Zebra keeper");
    await make("Yak shaver");
    await page.goto("/");
    const agents = page.getByTestId("library-agent");
    await agents.filter({ hasText: "Zebra keeper" }).waitFor();
    await assertAccessible(page, "the library with agents");
    await page.getByRole("searchbox").fill("zebra");
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=library-agent]")].every((a) => a.textContent.includes("Zebra")));
    await page.getByRole("searchbox").fill("");
    await agents.filter({ hasText: "Yak shaver" }).getByRole("button", { name: /favourite/i }).click();
    // Saved and read back before the reload: a reload right after the click could cancel the
    // request before it reached the server (CI saw the list come back unfavourited).
    await agents.filter({ hasText: "Yak shaver" }).getByRole("button", { name: /favourite/i, pressed: true }).waitFor();
    await page.reload();
    assert((await agents.first().textContent()).includes("Yak shaver"), "a favourite comes first, also after a reload");
    // Kept on the server's library record, not in this browser: any browser sees it.
    const favourites = await apiCall(page, "GET", "/api/library/agents?favorites_only=true");
    assert(favourites.agents.some((a) => a.name === "Yak shaver" && a.is_created_by_user), "the favourite is on the server");
    await agents.filter({ hasText: "Yak shaver" }).getByRole("button", { name: /archive/i }).click();
    await agents.filter({ hasText: "Yak shaver" }).waitFor({ state: "detached" });

    // A run of a graph that is then deleted: its page still shows what happened.
    const blocks = await apiCall(page, "GET", "/api/blocks");
    const output = blocks.find((b) => b.name === "AgentOutputBlock").id;
    const graph = await apiCall(page, "POST", "/api/graphs", {
      graph: {
        name: "Gone soon",
        description: "",
        nodes: [{ id: crypto.randomUUID(), block_id: output, input_default: { name: "kept", value: "what it said" }, metadata: {} }],
        links: [],
      },
    });
    const run = await apiCall(page, "POST", `/api/graphs/${graph.id}/execute/1`, { inputs: {} });
    const runId = run.id ?? run.graph_exec_id;
    for (let i = 0; i < 100; i++) {
      const r = await apiCall(page, "GET", `/api/graphs/${graph.id}/executions/${runId}`);
      if (r.status === "COMPLETED") break;
      await page.waitForTimeout(100);
    }
    await apiCall(page, "DELETE", `/api/graphs/${graph.id}`);
    await page.goto(`/runs/${runId}?graph=${graph.id}`);
    await page.locator('[data-testid=run-outputs] [data-output="kept"]').getByText("what it said").waitFor();
    assert(keep.id, "the other agents stay");
    page.assertQuiet();
    await page.context().close();
  },
};
