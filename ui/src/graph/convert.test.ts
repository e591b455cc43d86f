import { describe, expect, it } from "vitest";
import { fromFlow, toFlow } from "./convert";
import { diffGraphs } from "./diff";
import type { ApiGraph, BlockInfo } from "./types";

const input: BlockInfo = {
  id: "in", name: "AgentInputBlock", description: "", inputSchema: {}, outputSchema: {},
  categories: [], staticOutput: true, uiType: "Input",
};

const graph: ApiGraph = {
  id: "g", version: 1, name: "G", description: "",
  nodes: [
    { id: "a", block_id: "in", input_default: { name: "x" }, metadata: { position: { x: 1, y: 2 }, note: "kept" } },
    { id: "b", block_id: "tpl", input_default: {}, metadata: {} },
  ],
  links: [{ source_id: "a", sink_id: "b", source_name: "result", sink_name: "values_#_x" }],
};

describe("convert", () => {
  it("round-trips a graph, keeping metadata, nested pins and static links", () => {
    const flow = toFlow(graph, new Map([["in", input]]));
    expect(flow.edges[0].data!.isStatic).toBe(true);
    expect(flow.edges[0].style).toEqual({ strokeDasharray: "6 4" });
    expect(flow.nodes[1].data.extraPins).toEqual(["values_#_x"]);
    const back = fromFlow(graph, flow.nodes, flow.edges);
    expect(back.nodes[0].metadata).toEqual({ note: "kept", position: { x: 1, y: 2 } });
    expect(back.links[0]).toMatchObject({ source_id: "a", sink_name: "values_#_x", is_static: true });
  });

  it("diffs two versions", () => {
    const next: ApiGraph = {
      ...graph,
      version: 2,
      nodes: [{ ...graph.nodes[0], input_default: { name: "y" } }, { id: "c", block_id: "out", input_default: {}, metadata: {} }],
      links: [],
    };
    const d = diffGraphs(graph, next);
    expect(d.addedNodes).toEqual(["c"]);
    expect(d.removedNodes).toEqual(["b"]);
    expect(d.changedNodes).toEqual([{ id: "a", fields: ["name"] }]);
    expect(d.removedLinks).toHaveLength(1);
  });
});
