//! Import and export of AutoGPT agent files, and saving the canvas as a new version.
import { api, unwrap } from "../../api/client";
import { apiGraph, type ApiGraph } from "../../graph/types";

/** A parsed file's top level, when it is a JSON object (an agent file always is). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads, parses and uploads an agent file, telling `onStage` what it is doing. */
export async function importGraph(file: File, onStage: (stage: string) => void = () => {}): Promise<ApiGraph> {
  let body: unknown;
  try {
    onStage("reading the file…");
    const text = await file.text();
    onStage("checking the JSON…");
    body = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file.name} is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(body)) throw new Error(`${file.name} is not an agent file: its JSON is not an object`);
  const inner = isObject(body.graph) ? body.graph : body;
  const nodes = Array.isArray(inner.nodes) ? inner.nodes : null;
  onStage(`converting and saving${nodes ? ` ${nodes.length} nodes` : ""} on the server…`);
  return apiGraph(await unwrap(api.POST("/api/graphs", { body })));
}

export async function exportGraph(id: string, version: number | null, name: string) {
  const graph = await unwrap(
    api.GET("/api/graphs/{graph_id}", {
      params: { path: { graph_id: id }, query: { version: version ?? undefined, for_export: true } },
    }),
  );
  const blob = new Blob([JSON.stringify(graph, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `${name.replace(/[^\w.-]+/g, "-") || "agent"}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export async function saveGraph(id: string | null, graph: object): Promise<ApiGraph> {
  const body = { graph };
  const call = id
    ? api.PUT("/api/graphs/{graph_id}", { params: { path: { graph_id: id } }, body })
    : api.POST("/api/graphs", { body });
  return apiGraph(await unwrap(call));
}

export async function activateVersion(id: string, version: number): Promise<ApiGraph> {
  return apiGraph(await unwrap(
    api.PUT("/api/graphs/{graph_id}/versions/active", {
      params: { path: { graph_id: id } },
      body: { active_graph_version: version },
    }),
  ));
}
