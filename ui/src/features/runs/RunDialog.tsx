//! The run dialog: a form built from the graph's input schema and its credentials inputs (one
//! picker per provider and kind its blocks need, AutoGPT's `credentials_input_schema`); starts
//! the run.
import { useState } from "react";
import { api, errorMessage, unwrap } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { pinsOf } from "../../graph/pins";
import type { Execution, JsonSchema } from "../../graph/types";
import { SchemaField } from "../builder/SchemaField";

export async function startRun(
  graphId: string,
  version: number,
  inputs: Record<string, unknown>,
  credentialsInputs: Record<string, unknown> = {},
) {
  return (await unwrap(
    api.POST("/api/graphs/{graph_id}/execute/{graph_version}", {
      params: { path: { graph_id: graphId, graph_version: version } },
      body: { inputs, credentials_inputs: credentialsInputs },
    }),
  )) satisfies Execution;
}

export function RunDialog({
  open,
  onClose,
  graphId,
  version,
  inputSchema,
  credentialsSchema,
  initial,
  onStarted,
  onRefused,
  start,
}: {
  open: boolean;
  onClose: () => void;
  graphId: string;
  version: number;
  inputSchema: JsonSchema | undefined;
  credentialsSchema?: JsonSchema;
  initial?: Record<string, unknown>;
  onStarted: (run: Execution) => void;
  /** The server refused to start the run (the builder marks the nodes its details name). */
  onRefused?: (error: unknown) => void;
  /** Starts the run another way (a library agent runs through the library's route). */
  start?: (inputs: Record<string, unknown>, credentialsInputs: Record<string, unknown>) => Promise<Execution>;
}) {
  const [values, setValues] = useState<Record<string, unknown>>(initial ?? {});
  const [creds, setCreds] = useState<Record<string, unknown>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = pinsOf(inputSchema);
  const credentialFields = pinsOf(credentialsSchema);
  return (
    <Dialog open={open} title="Run agent" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setProblem(null);
          try {
            onStarted(await (start ? start(values, creds) : startRun(graphId, version, values, creds)));
          } catch (err) {
            setProblem(errorMessage(err));
            onRefused?.(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        {fields.length === 0 && credentialFields.length === 0 && <p className="text-sm">This agent takes no inputs.</p>}
        {fields.map((f) => (
          <SchemaField
            key={f.name}
            name={f.name}
            schema={f.schema}
            value={values[f.name]}
            onChange={(v) => setValues((s) => ({ ...s, [f.name]: v }))}
          />
        ))}
        {credentialFields.length > 0 && (
          <fieldset className="flex flex-col gap-3" data-testid="run-credentials">
            <legend className="mb-1 text-sm font-semibold">Credentials</legend>
            <p className="text-xs text-neutral-600 dark:text-neutral-400">Left empty, each node uses the credentials chosen on it.</p>
            {credentialFields.map((f) => (
              <SchemaField
                key={f.name}
                name={f.name}
                schema={{ ...f.schema, title: credentialsTitle(f.schema) }}
                value={creds[f.name]}
                onChange={(v) => setCreds((s) => ({ ...s, [f.name]: v }))}
              />
            ))}
          </fieldset>
        )}
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

/** "github credentials (API key or OAuth2)" rather than the aggregated field name. */
function credentialsTitle(schema: JsonSchema): string {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const kinds = list(schema.credentials_types).map((t) => t.replace("_", " ").replace("api key", "API key").replace("oauth2", "OAuth2"));
  return `${list(schema.credentials_provider).join(" or ")} credentials${kinds.length ? ` (${kinds.join(" or ")})` : ""}`;
}
