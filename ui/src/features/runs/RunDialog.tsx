//! The run dialog: a form built from the graph's input schema; starts the run.
import { useState } from "react";
import { api, errorMessage, unwrap } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { pinsOf } from "../../graph/pins";
import type { Execution, JsonSchema } from "../../graph/types";
import { SchemaField } from "../builder/SchemaField";

export async function startRun(graphId: string, version: number, inputs: Record<string, unknown>) {
  return (await unwrap(
    api.POST("/api/graphs/{graph_id}/execute/{graph_version}", {
      params: { path: { graph_id: graphId, graph_version: version } } as never,
      body: { inputs } as never,
    }),
  )) as unknown as Execution;
}

export function RunDialog({
  open,
  onClose,
  graphId,
  version,
  inputSchema,
  initial,
  onStarted,
}: {
  open: boolean;
  onClose: () => void;
  graphId: string;
  version: number;
  inputSchema: JsonSchema | undefined;
  initial?: Record<string, unknown>;
  onStarted: (run: Execution) => void;
}) {
  const [values, setValues] = useState<Record<string, unknown>>(initial ?? {});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = pinsOf(inputSchema);
  return (
    <Dialog open={open} title="Run agent" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setProblem(null);
          try {
            onStarted(await startRun(graphId, version, values));
          } catch (err) {
            setProblem(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {fields.length === 0 && <p className="text-sm">This agent takes no inputs.</p>}
        {fields.map((f) => (
          <SchemaField
            key={f.name}
            name={f.name}
            schema={f.schema}
            value={values[f.name]}
            onChange={(v) => setValues((s) => ({ ...s, [f.name]: v }))}
          />
        ))}
        {problem && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {problem}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn-primary" disabled={busy}>
            {busy ? "Starting…" : "Start run"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
