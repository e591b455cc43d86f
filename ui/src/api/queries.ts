//! Server state through react-query: one hook per resource, all through the typed client.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { apiGraph, type ApiGraph, type BlockInfo, type Execution, type GraphSummary } from "../graph/types";

export const keys = {
  blocks: ["blocks"] as const,
  graphs: ["graphs"] as const,
  graph: (id: string, version?: number) => ["graph", id, version ?? "active"] as const,
  versions: (id: string) => ["versions", id] as const,
  runs: ["runs"] as const,
  graphRuns: (id: string) => ["runs", "graph", id] as const,
  run: (graphId: string, runId: string) => ["run", graphId, runId] as const,
  schedules: ["schedules"] as const,
  presets: ["presets"] as const,
  webhooks: (id: string) => ["webhooks", id] as const,
};

export function useBlocks() {
  return useQuery({
    queryKey: keys.blocks,
    queryFn: async (): Promise<BlockInfo[]> => unwrap(api.GET("/api/blocks")),
    staleTime: Infinity,
  });
}

export function useGraphs() {
  return useQuery({
    queryKey: keys.graphs,
    queryFn: async (): Promise<GraphSummary[]> => unwrap(api.GET("/api/graphs")),
  });
}

export async function fetchGraph(id: string, version?: number): Promise<ApiGraph> {
  return apiGraph(await unwrap(api.GET("/api/graphs/{graph_id}", { params: { path: { graph_id: id }, query: { version } } })));
}

export function useGraph(id: string | undefined, version?: number) {
  return useQuery({
    queryKey: keys.graph(id ?? "", version),
    queryFn: () => fetchGraph(id!, version),
    enabled: !!id,
  });
}

export function useVersions(id: string | undefined) {
  return useQuery({
    queryKey: keys.versions(id ?? ""),
    queryFn: async () =>
      (await unwrap(api.GET("/api/graphs/{graph_id}/versions", { params: { path: { graph_id: id! } } }))).map(apiGraph),
    enabled: !!id,
  });
}

export function useRuns() {
  return useQuery({
    queryKey: keys.runs,
    queryFn: async () =>
      (await unwrap(
        api.GET("/api/executions", { params: { query: { page: 1, page_size: 100 } } }),
      )) satisfies Execution[],
  });
}

export function useGraphRuns(graphId: string | undefined) {
  return useQuery({
    queryKey: keys.graphRuns(graphId ?? ""),
    queryFn: async () => {
      const page = await unwrap(
        api.GET("/api/graphs/{graph_id}/executions", {
          params: { path: { graph_id: graphId! }, query: { page: 1, page_size: 100 } },
        }),
      );
      return page.executions satisfies Execution[];
    },
    enabled: !!graphId,
  });
}

export function fetchRun(graphId: string, runId: string): Promise<Execution> {
  return unwrap(
    api.GET("/api/graphs/{graph_id}/executions/{graph_exec_id}", {
      params: { path: { graph_id: graphId, graph_exec_id: runId } },
    }),
  );
}

export function useRun(graphId: string | undefined, runId: string | undefined) {
  return useQuery({
    queryKey: keys.run(graphId ?? "", runId ?? ""),
    queryFn: () => fetchRun(graphId!, runId!),
    enabled: !!graphId && !!runId,
  });
}
