//! One run as the store has it, kept live over `/ws` while it goes on: node executions merged
//! by id (each event carries the execution's outputs so far, so a replay changes nothing).
import { useEffect, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { followRun } from "../../api/ws";
import { keys, useRun } from "../../api/queries";
import type { Execution, ExecutionStatus, NodeExecution } from "../../graph/types";

export const FINISHED: ExecutionStatus[] = ["COMPLETED", "FAILED", "TERMINATED"];

export interface LiveRun {
  run: Execution | undefined;
  status: ExecutionStatus | undefined;
  nodes: NodeExecution[];
  outputs: Record<string, unknown[]>;
  connected: boolean;
  error: unknown;
  isLoading: boolean;
}

export function useLiveRun(graphId: string | undefined, runId: string | undefined): LiveRun {
  const query = useRun(graphId, runId);
  const client = useQueryClient();
  const [live, setLive] = useState<{ nodes: Map<string, NodeExecution>; run?: Partial<Execution> }>({
    nodes: new Map(),
  });
  const [connected, setConnected] = useState(false);
  const storedStatus = query.data?.status;
  const following = !!runId && !!storedStatus && !FINISHED.includes(storedStatus);

  useEffect(() => setLive({ nodes: new Map() }), [runId]);

  useEffect(() => {
    if (!following || !runId || !graphId) return;
    const socket = followRun({
      execId: runId,
      onConnection: (s) => setConnected(s === "open"),
      onEvent: (e) => {
        if (e.kind === "node") {
          setLive((prev) => {
            const nodes = new Map(prev.nodes);
            nodes.set(e.data.node_exec_id, { ...nodes.get(e.data.node_exec_id), ...e.data });
            return { ...prev, nodes };
          });
        } else {
          setLive((prev) => ({ ...prev, run: e.data }));
          if (FINISHED.includes(e.data.status) || e.data.status === "REVIEW") {
            void client.invalidateQueries({ queryKey: keys.run(graphId, runId) });
            void client.invalidateQueries({ queryKey: keys.runs });
          }
        }
      },
    });
    (window as unknown as { __agentryDropSocket?: () => void }).__agentryDropSocket = socket.drop;
    return () => socket.close();
  }, [following, runId, graphId, client]);

  return useMemo(() => {
    const stored = query.data;
    const nodes = new Map<string, NodeExecution>();
    for (const n of stored?.node_executions ?? []) nodes.set(n.node_exec_id, n);
    for (const [id, n] of live.nodes) {
      const old = nodes.get(id);
      // The store's record is complete once the run ended; live events only add to it.
      nodes.set(id, old ? { ...old, status: n.status, output_data: n.output_data, input_data: old.input_data } : n);
    }
    const status = stored && FINISHED.includes(stored.status) ? stored.status : (live.run?.status ?? stored?.status);
    const outputs =
      stored && FINISHED.includes(stored.status)
        ? (stored.outputs ?? {})
        : ((live.run?.outputs as Record<string, unknown[]> | undefined) ?? stored?.outputs ?? {});
    return {
      run: stored,
      status,
      nodes: [...nodes.values()],
      outputs,
      connected,
      error: query.error,
      isLoading: query.isLoading,
    };
  }, [query.data, query.error, query.isLoading, live, connected]);
}
