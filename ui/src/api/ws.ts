//! A run's live events over `/ws`: subscribes with the last `seq` seen, so a dropped
//! connection resumes with nothing lost or told twice, and reconnects with backoff.
import type { Execution, NodeExecution } from "../graph/types";

export type RunEvent =
  | { kind: "node"; data: NodeExecution & { seq: number } }
  | { kind: "graph"; data: Execution & { seq: number } };

export interface RunSocketOptions {
  execId: string;
  /** Events up to this seq are already known (from the REST answer). */
  afterSeq?: number;
  onEvent: (e: RunEvent) => void;
  onConnection?: (state: "open" | "closed") => void;
}

/** Follows one run until `close()`; returns the close function. */
export function followRun(opts: RunSocketOptions): { close: () => void; drop: () => void } {
  let lastSeq = opts.afterSeq ?? 0;
  let socket: WebSocket | null = null;
  let closed = false;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      opts.onConnection?.("open");
      ws.send(
        JSON.stringify({
          method: "subscribe_graph_execution",
          data: { graph_exec_id: opts.execId, last_seq: lastSeq },
        }),
      );
    };
    ws.onmessage = (msg) => {
      let env: { method?: string; data?: { seq?: number } };
      try {
        env = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      const seq = env.data?.seq;
      if (typeof seq !== "number" || seq <= lastSeq) return;
      lastSeq = seq;
      if (env.method === "node_execution_event")
        opts.onEvent({ kind: "node", data: env.data as RunEvent["data"] & NodeExecution & { seq: number } });
      else if (env.method === "graph_execution_event")
        opts.onEvent({ kind: "graph", data: env.data as Execution & { seq: number } });
    };
    ws.onclose = () => {
      opts.onConnection?.("closed");
      if (closed) return;
      retry += 1;
      timer = setTimeout(connect, Math.min(5000, 200 * 2 ** retry));
    };
  };
  connect();
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
    // Tests drop the connection to prove that resuming loses nothing.
    drop: () => socket?.close(),
  };
}
