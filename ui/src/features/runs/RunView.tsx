//! One run: status, duration, cost, inputs, every output, each node's status and values,
//! errors with the node at fault, stop, re-run and human reviews. Needs only the run's record,
//! so it renders after its graph was edited or deleted.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, errorMessage, unwrap } from "../../api/client";
import { keys, useBlocks } from "../../api/queries";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import type { components } from "../../api/schema";
import type { Execution } from "../../graph/types";
import { displayName } from "../builder/catalogue";
import { StatusBadge, cost, duration, show } from "./format";
import { startRun } from "./RunDialog";
import type { LiveRun } from "./useLiveRun";
import { FINISHED } from "./useLiveRun";
import { ShareRun } from "./ShareRun";

type Review = components["schemas"]["ReviewModel"];

export function RunView({ live, onRerun, totalNodes }: { live: LiveRun; onRerun?: (run: Execution) => void; totalNodes?: number }) {
  // From the API, not the builder's catalogue: a run's own page opens without the builder.
  const catalogue = useBlocks();
  const blocks = useMemo(() => new Map((catalogue.data ?? []).map((b) => [b.id, b])), [catalogue.data]);
  const client = useQueryClient();
  const { run, status, nodes, outputs } = live;
  const reviews = useQuery({
    queryKey: ["reviews", run?.id],
    queryFn: async () =>
      unwrap(api.GET("/api/review/execution/{graph_exec_id}", { params: { path: { graph_exec_id: run!.id } } })),
    enabled: status === "REVIEW" && !!run,
  });
  const [busy, setBusy] = useState(false);
  if (live.isLoading) return <p className="p-4 text-sm" role="status">Loading the run…</p>;
  if (live.error) return <p className="p-4 text-sm text-red-700" role="alert">{errorMessage(live.error)}</p>;
  if (!run) return null;
  const running = status && !FINISHED.includes(status);

  const stop = async () => {
    setBusy(true);
    try {
      await unwrap(
        api.POST("/api/graphs/{graph_id}/executions/{graph_exec_id}/stop", {
          params: { path: { graph_id: run.graph_id, graph_exec_id: run.id } },
        }),
      );
      await client.invalidateQueries({ queryKey: keys.run(run.graph_id, run.id) });
    } catch (e) {
      toast.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const rerun = async () => {
    try {
      const next = await startRun(run.graph_id, run.graph_version, run.inputs ?? {});
      void client.invalidateQueries({ queryKey: keys.runs });
      onRerun?.(next);
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const decide = async (r: Review, approved: boolean) => {
    try {
      await unwrap(api.POST("/api/review/action", { body: { reviews: [{ node_exec_id: r.node_exec_id, approved }] } }));
      await client.invalidateQueries({ queryKey: keys.run(run.graph_id, run.id) });
      await reviews.refetch();
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };

  return (
    <div className="flex flex-col gap-4 text-sm" data-testid="run-view">
      <div className="flex flex-wrap items-center gap-3">
        <StatusBadge status={status} />
        <span>Version {run.graph_version}</span>
        <span>Duration {duration(run)}</span>
        <span>Cost {cost(run)}</span>
        {running && !live.connected && <span className="text-amber-700 dark:text-amber-400">reconnecting…</span>}
        <span className="ml-auto flex gap-2">
          {running && (
            <button type="button" className="btn" disabled={busy} onClick={stop}>
              Stop
            </button>
          )}
          <button type="button" className="btn" onClick={rerun}>
            Re-run
          </button>
        </span>
      </div>
      {running && <RunProgress nodes={nodes} totalNodes={totalNodes} />}
      {!running && <ShareRun run={run} />}
      {run.error && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-red-800 dark:bg-red-950 dark:text-red-200">
          {run.error}
        </p>
      )}
      {(reviews.data ?? []).map((r) => (
        <div key={r.node_exec_id} className="rounded-md border border-amber-400 p-3" data-testid="review">
          <p className="font-medium">Waiting for your review{r.instructions ? `: ${r.instructions}` : ""}</p>
          <pre className="my-2 overflow-auto rounded bg-neutral-100 p-2 text-xs dark:bg-neutral-900">{JSON.stringify(r.payload, null, 2)}</pre>
          <div className="flex gap-2">
            <button type="button" className="btn-primary" onClick={() => decide(r, true)}>
              Approve
            </button>
            <button type="button" className="btn" onClick={() => decide(r, false)}>
              Reject
            </button>
          </div>
        </div>
      ))}
      <section>
        <h3 className="mb-1 font-semibold">Inputs</h3>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3">
          {Object.entries(run.inputs ?? {}).map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-neutral-600 dark:text-neutral-400">{k}</dt>
              <dd className="font-mono">{show(v)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section>
        <h3 className="mb-1 font-semibold">Outputs</h3>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3" data-testid="run-outputs">
          {Object.entries(outputs).flatMap(([k, values]) =>
            values.map((v, i) => (
              <div key={`${k}-${i}`} className="contents">
                <dt className="text-neutral-600 dark:text-neutral-400">{k}</dt>
                <dd className="font-mono" data-output={k}>{show(v)}</dd>
              </div>
            )),
          )}
        </dl>
        {Object.keys(outputs).length === 0 && <p className="text-neutral-600 dark:text-neutral-400">{running ? "Waiting for outputs…" : "No outputs."}</p>}
      </section>
      <section>
        <h3 className="mb-1 font-semibold">Nodes</h3>
        <ul className="flex flex-col gap-1">
          {nodes.map((n) => {
            const failed = n.status === "FAILED";
            return (
              <li key={n.node_exec_id} className={`rounded-md border p-2 ${failed ? "border-red-500" : "border-neutral-200 dark:border-neutral-700"}`}>
                <div className="flex items-center gap-2">
                  <StatusBadge status={n.status} />
                  <span className="font-medium">{displayName(blocks.get(n.block_id)?.name ?? n.block_id)}</span>
                  <span className="truncate text-xs text-neutral-600 dark:text-neutral-400">{n.node_id}</span>
                </div>
                {Object.entries(n.output_data ?? {}).map(([pin, values]) => (
                  <div key={pin} className={`font-mono text-xs ${pin === "error" ? "text-red-700 dark:text-red-400" : ""}`}>
                    {pin}: {values.map(show).join(" · ")}
                  </div>
                ))}
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}

/** How far a run is: node executions finished out of those started (or the graph's node
 * count when the builder knows it), so a run of many nodes shows it moves. */
function RunProgress({ nodes, totalNodes }: { nodes: LiveRun["nodes"]; totalNodes?: number }) {
  const finished = nodes.filter((n) => FINISHED.includes(n.status)).length;
  const running = nodes.find((n) => n.status === "RUNNING");
  const total = Math.max(totalNodes ?? 0, nodes.length);
  const label = total
    ? `${finished} of ${total} ${totalNodes ? "nodes" : "steps"} done${running ? ` · running ${running.node_id.slice(0, 8)}` : ""}`
    : "Starting the run…";
  return <Progress label={label} value={total ? finished : undefined} max={total || undefined} />;
}
