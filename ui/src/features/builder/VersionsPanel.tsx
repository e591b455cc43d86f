//! Version history: every saved version, a side-by-side diff of two, and restore.
import { useState } from "react";
import { useVersions } from "../../api/queries";
import { diffGraphs } from "../../graph/diff";
import { errorMessage } from "../../api/client";
import { displayName, useCatalogue } from "./catalogue";
import type { ApiGraph } from "../../graph/types";

export function VersionsPanel({
  graphId,
  current,
  onRestore,
}: {
  graphId: string;
  current: number | null;
  onRestore: (version: number) => void;
}) {
  const versions = useVersions(graphId);
  const [left, setLeft] = useState<number | null>(null);
  const [right, setRight] = useState<number | null>(current);
  if (versions.isLoading) return <p role="status">Loading versions…</p>;
  if (versions.error) return <p role="alert">{errorMessage(versions.error)}</p>;
  const list = versions.data ?? [];
  const a = list.find((v) => v.version === (left ?? list[1]?.version));
  const b = list.find((v) => v.version === (right ?? list[0]?.version));
  return (
    <div className="flex flex-col gap-3 text-sm">
      <ul className="flex flex-col gap-1" aria-label="Versions">
        {list.map((v) => (
          <li key={v.version} className="flex items-center gap-2 rounded border border-neutral-200 p-2 dark:border-neutral-700">
            <span className="font-medium">Version {v.version}</span>
            {v.is_active && <span className="rounded bg-green-100 px-1 text-xs text-green-900">active</span>}
            <span className="text-xs text-neutral-600 dark:text-neutral-400">{v.created_at ? new Date(v.created_at).toLocaleString() : ""}</span>
            <span className="ml-auto flex gap-1">
              <button type="button" className="btn-ghost" onClick={() => setLeft(v.version)} aria-label={`compare from version ${v.version}`}>
                A
              </button>
              <button type="button" className="btn-ghost" onClick={() => setRight(v.version)} aria-label={`compare to version ${v.version}`}>
                B
              </button>
              <button type="button" className="btn" onClick={() => onRestore(v.version)}>
                Restore
              </button>
            </span>
          </li>
        ))}
      </ul>
      {a && b && a.version !== b.version && <DiffView a={a} b={b} />}
    </div>
  );
}

function DiffView({ a, b }: { a: ApiGraph; b: ApiGraph }) {
  const blocks = useCatalogue((s) => s.blocks);
  const d = diffGraphs(a, b);
  const label = (g: ApiGraph, id: string) => {
    const n = g.nodes.find((x) => x.id === id);
    return n ? `${displayName(blocks.get(n.block_id)?.name ?? n.block_id)} (${id.slice(0, 8)})` : id;
  };
  const nothing =
    !d.renamed && !d.addedNodes.length && !d.removedNodes.length && !d.changedNodes.length && !d.addedLinks.length && !d.removedLinks.length;
  return (
    <div className="grid grid-cols-1 gap-2 sm:grid-cols-2" data-testid="version-diff">
      <div className="rounded border border-red-300 p-2">
        <h4 className="font-semibold">Version {a.version}</h4>
        {d.renamed && <p>name: {a.name}</p>}
        {d.removedNodes.map((id) => <p key={id} className="text-red-700 dark:text-red-400">− {label(a, id)}</p>)}
        {d.changedNodes.map((c) => (
          <p key={c.id}>~ {label(a, c.id)}: {c.fields.map((f) => `${f}=${JSON.stringify(a.nodes.find((n) => n.id === c.id)?.input_default[f])}`).join(", ")}</p>
        ))}
        {d.removedLinks.map((l) => <p key={l} className="text-red-700 dark:text-red-400">− link {l}</p>)}
      </div>
      <div className="rounded border border-green-300 p-2">
        <h4 className="font-semibold">Version {b.version}</h4>
        {d.renamed && <p>name: {b.name}</p>}
        {d.addedNodes.map((id) => <p key={id} className="text-green-700 dark:text-green-400">+ {label(b, id)}</p>)}
        {d.changedNodes.map((c) => (
          <p key={c.id}>~ {label(b, c.id)}: {c.fields.map((f) => `${f}=${JSON.stringify(b.nodes.find((n) => n.id === c.id)?.input_default[f])}`).join(", ")}</p>
        ))}
        {d.addedLinks.map((l) => <p key={l} className="text-green-700 dark:text-green-400">+ link {l}</p>)}
      </div>
      {nothing && <p className="sm:col-span-2">The two versions are the same.</p>}
    </div>
  );
}
