//! The builder's bottom panel for the current run; feeds node statuses to the canvas.
import { useEffect } from "react";
import { useBuilder, type NodeRun } from "../builder/store";
import { RunView } from "./RunView";
import { useLiveRun } from "./useLiveRun";
import type { Execution } from "../../graph/types";

export function RunPanel({
  graphId,
  runId,
  onClose,
  onRerun,
}: {
  graphId: string;
  runId: string;
  onClose: () => void;
  onRerun: (r: Execution) => void;
}) {
  const live = useLiveRun(graphId, runId);
  useEffect(() => {
    const byNode: Record<string, NodeRun> = {};
    for (const n of live.nodes) {
      const prev = byNode[n.node_id];
      const outputs = { ...(prev?.outputs ?? {}) };
      for (const [pin, values] of Object.entries(n.output_data ?? {})) outputs[pin] = [...(outputs[pin] ?? []), ...values];
      byNode[n.node_id] = { status: n.status, outputs, inputs: n.input_data ?? {} };
    }
    useBuilder.getState().setNodeRuns(byNode);
  }, [live.nodes]);
  return (
    <section aria-label="Run" className="max-h-[40vh] overflow-y-auto border-t border-neutral-200 bg-white p-3 dark:border-neutral-700 dark:bg-neutral-900">
      <div className="mb-2 flex items-center">
        <h2 className="font-semibold">Run {runId.slice(0, 8)}</h2>
        <button type="button" className="btn-ghost ml-auto" aria-label="Close the run panel" onClick={onClose}>✕</button>
      </div>
      <RunView live={live} onRerun={onRerun} totalNodes={useBuilder.getState().nodes.length} />
    </section>
  );
}
