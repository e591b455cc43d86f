//! Server state through react-query: one hook per resource, all through the typed client.
import { useQuery, type QueryClient } from "@tanstack/react-query";
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

const fetchBlocks = async (): Promise<BlockInfo[]> => unwrap(api.GET("/api/blocks"));

export function useBlocks() {
  return useQuery({ queryKey: keys.blocks, queryFn: fetchBlocks, staleTime: Infinity });
}

/** A graph read this long ago is not read again when its page mounts: the builder's prefetch
 * (`prefetchBuilder`) comes a moment before the page asks. */
const GRAPH_FRESH_MS = 5_000;

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
    staleTime: GRAPH_FRESH_MS,
  });
}

/** Starts the builder's two reads, the block catalogue and the graph, while the page's code
 * is still loading: on a big graph they were what the first load waited for longest. */
export function prefetchBuilder(client: QueryClient, graphId: string | undefined, version: number | undefined) {
  void client.prefetchQuery({ queryKey: keys.blocks, queryFn: fetchBlocks, staleTime: Infinity });
  if (graphId) {
    void client.prefetchQuery({
      queryKey: keys.graph(graphId, version),
      queryFn: () => fetchGraph(graphId, version),
      staleTime: GRAPH_FRESH_MS,
    });
  }
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
