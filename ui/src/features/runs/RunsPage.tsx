//! Run history: every run of every agent (or of one, `?graph=`), newest first.
import { Link, useSearchParams } from "react-router";
import { errorMessage } from "../../api/client";
import { useGraphRuns, useGraphs, useRuns } from "../../api/queries";
import { StatusBadge, cost, duration, show } from "./format";
import type { Execution } from "../../graph/types";

export function RunsPage() {
  const [params] = useSearchParams();
  const graphId = params.get("graph") ?? undefined;
  const all = useRuns();
  const one = useGraphRuns(graphId);
  const runs = graphId ? one : all;
  const graphs = useGraphs();
  const names = new Map((graphs.data ?? []).map((g) => [g.id, g.name]));
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-3 p-4">
      <h1 className="text-xl font-semibold">{graphId ? `Runs of ${names.get(graphId) ?? "an agent"}` : "Runs"}</h1>
      {runs.isLoading && <p role="status">Loading runs…</p>}
      {runs.error && <p role="alert" className="text-red-700">{errorMessage(runs.error)}</p>}
      {runs.data?.length === 0 && <p>No runs yet.</p>}
      <RunList runs={runs.data ?? []} names={names} />
    </div>
  );
}

export function RunList({ runs, names }: { runs: Execution[]; names: Map<string, string> }) {
  return (
    <ul className="flex flex-col gap-2" data-testid="run-list">
      {runs.map((r) => (
        <li key={r.id}>
          <Link to={`/runs/${r.id}?graph=${r.graph_id}`} className="flex flex-wrap items-center gap-3 rounded-md border border-neutral-200 bg-white p-2 text-sm hover:border-indigo-400 dark:border-neutral-700 dark:bg-neutral-800">
            <StatusBadge status={r.status} />
            <span className="font-medium">{names.get(r.graph_id) ?? "Deleted agent"}</span>
            <span className="text-neutral-600 dark:text-neutral-400">v{r.graph_version}</span>
            <span className="truncate font-mono text-xs">{Object.entries(r.inputs ?? {}).map(([k, v]) => `${k}=${show(v)}`).join(" ")}</span>
            <span className="ml-auto text-xs text-neutral-600 dark:text-neutral-400">
              {new Date(r.created_at).toLocaleString()} · {duration(r)} · {cost(r)}
            </span>
            {r.error && <span className="w-full truncate text-xs text-red-700 dark:text-red-400">{r.error}</span>}
          </Link>
        </li>
      ))}
    </ul>
  );
}
