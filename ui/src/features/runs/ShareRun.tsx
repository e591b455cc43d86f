//! Sharing a finished run: an unguessable link to a public, read-only page of its outputs
//! (inputs only when the owner ticks the box), and revoking it, after which the link is dead.
import { useState } from "react";
import { api, errorMessage, unwrap } from "../../api/client";
import { toast } from "../../components/toast";
import type { Execution } from "../../graph/types";

export function ShareRun({ run }: { run: Execution }) {
  const [showInputs, setShowInputs] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = { graph_id: run.graph_id, graph_exec_id: run.id };
  const share = async () => {
    setBusy(true);
    try {
      const r = await unwrap(
        api.POST("/api/graphs/{graph_id}/executions/{graph_exec_id}/share", { params: { path }, body: { show_inputs: showInputs } }),
      );
      setLink(`${window.location.origin}/share/${r.share_token}`);
    } catch (e) {
      toast.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async () => {
    setBusy(true);
    try {
      await unwrap(api.DELETE("/api/graphs/{graph_id}/executions/{graph_exec_id}/share", { params: { path } }));
      setLink(null);
      toast.info("The share link no longer works");
    } catch (e) {
      toast.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  if (link) {
    return (
      <div className="flex flex-wrap items-center gap-2 rounded-md border border-neutral-200 p-2 dark:border-neutral-700" data-testid="share">
        <label htmlFor={`share-${run.id}`} className="text-xs font-medium">Share link</label>
        <input id={`share-${run.id}`} readOnly className="input min-w-0 flex-1 font-mono text-xs" value={link} onFocus={(e) => e.target.select()} />
        <button type="button" className="btn" onClick={() => navigator.clipboard.writeText(link).then(() => toast.info("Copied"), (e) => toast.error(errorMessage(e)))}>
          Copy
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void revoke()}>Revoke link</button>
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="share">
      <button type="button" className="btn" disabled={busy} onClick={() => void share()}>Share outputs…</button>
      <label className="flex items-center gap-1 text-xs">
        <input type="checkbox" className="accent-indigo-600" checked={showInputs} onChange={(e) => setShowInputs(e.target.checked)} />
        show the inputs too
      </label>
      <button type="button" className="btn-ghost text-xs" disabled={busy} onClick={() => void revoke()}>Revoke an earlier link</button>
    </div>
  );
}
