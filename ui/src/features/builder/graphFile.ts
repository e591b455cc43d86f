//! Import and export of AutoGPT agent files, and saving the canvas as a new version.
import { api, unwrap } from "../../api/client";
import type { ApiGraph } from "../../graph/types";

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
  const nodes = (body as { nodes?: unknown[]; graph?: { nodes?: unknown[] } }).nodes ?? (body as { graph?: { nodes?: unknown[] } }).graph?.nodes;
  onStage(`converting and saving${nodes ? ` ${nodes.length} nodes` : ""} on the server…`);
  return (await unwrap(api.POST("/api/graphs", { body: body as never }))) as unknown as ApiGraph;
}

export async function exportGraph(id: string, version: number | null, name: string) {
  const graph = await unwrap(
    api.GET("/api/graphs/{graph_id}", {
      params: { path: { graph_id: id }, query: { version: version ?? undefined, for_export: true } } as never,
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
  const body = { graph } as never;
  const call = id
    ? api.PUT("/api/graphs/{graph_id}", { params: { path: { graph_id: id } }, body })
    : api.POST("/api/graphs", { body });
  return (await unwrap(call)) as unknown as ApiGraph;
}

export async function activateVersion(id: string, version: number): Promise<ApiGraph> {
  return (await unwrap(
    api.PUT("/api/graphs/{graph_id}/versions/active", {
      params: { path: { graph_id: id } },
      body: { active_graph_version: version },
    }),
  )) as unknown as ApiGraph;
}
