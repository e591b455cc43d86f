//! One run's page (`/runs/:runId?graph=`), live while it goes on.
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useGraphs } from "../../api/queries";
import { RunView } from "./RunView";
import { useLiveRun } from "./useLiveRun";

export function RunPage() {
  const { runId } = useParams();
  const [params] = useSearchParams();
  const graphId = params.get("graph") ?? undefined;
  const live = useLiveRun(graphId, runId);
  const graphs = useGraphs();
  const navigate = useNavigate();
  const graph = graphs.data?.find((g) => g.id === graphId);
  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-3 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold">{graph?.name ?? "Run"}</h1>
        <span className="font-mono text-xs text-neutral-600 dark:text-neutral-400">{runId}</span>
        {graph && <Link className="ml-auto underline" to={`/build/${graphId}?run=${runId}`}>Open in the builder</Link>}
      </div>
      {!graphId && <p role="alert">This link lacks its agent (`?graph=`).</p>}
      <RunView live={live} onRerun={(r) => navigate(`/runs/${r.id}?graph=${r.graph_id}`)} />
    </div>
  );
}
