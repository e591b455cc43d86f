//! The library's store agents (`/api/library/agents`): referenced, not copied — each says
//! whether it follows updates or stays on a version, flags a waiting update, a newer version
//! that asks for more, and a take-down; runs through the library route with the runner's own
//! credentials; favourites, folders, archive; removes.
import { useState } from "react";
import { useNavigate } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toast } from "../../components/toast";
import { RunDialog } from "../runs/RunDialog";

type LibraryAgent = components["schemas"]["LibraryAgent"];

export function useLibraryAgents() {
  return useQuery({
    queryKey: ["library"],
    queryFn: () => unwrap(api.GET("/api/library/agents", { params: { query: { page: 1, page_size: 100, include_archived: true } } })),
  });
}

export function useFolders() {
  return useQuery({ queryKey: ["library", "folders"], queryFn: () => unwrap(api.GET("/api/library/folders")) });
}

export function StoreShelf() {
  const agents = useLibraryAgents();
  const folders = useFolders();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [running, setRunning] = useState<LibraryAgent | null>(null);
  const [folder, setFolder] = useState("");
  const [showArchived, setShowArchived] = useState(false);
  const all = (agents.data?.agents ?? []).filter((a) => !a.is_created_by_user);
  if (!all.length) return null;
  const fromStore = all
    .filter((a) => a.is_archived === showArchived)
    .filter((a) => !folder || a.folder_id === folder)
    .sort((a, b) => Number(b.is_favorite) - Number(a.is_favorite) || a.name.localeCompare(b.name));
  const newFolder = async () => {
    const name = window.prompt("Folder name")?.trim();
    if (!name) return;
    try {
      await unwrap(api.POST("/api/library/folders", { body: { id: "", name } }));
      await client.invalidateQueries({ queryKey: ["library", "folders"] });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const update = async (a: LibraryAgent, body: components["schemas"]["LibraryAgentUpdate"]) => {
    try {
      await unwrap(api.PATCH("/api/library/agents/{library_agent_id}", { params: { path: { library_agent_id: a.id } }, body }));
      await client.invalidateQueries({ queryKey: ["library"] });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const remove = async (a: LibraryAgent) => {
    try {
      await unwrap(api.DELETE("/api/library/agents/{library_agent_id}", { params: { path: { library_agent_id: a.id } } }));
      await client.invalidateQueries({ queryKey: ["library"] });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  return (
    <section aria-label="From the store" className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="font-semibold">From the store</h2>
        <label htmlFor="shelf-folder" className="ml-auto text-sm">Folder</label>
        <select id="shelf-folder" className="input" value={folder} onChange={(e) => setFolder(e.target.value)}>
          <option value="">All</option>
          {(folders.data ?? []).map((f) => (
            <option key={f.id} value={f.id}>{f.name}</option>
          ))}
        </select>
        <button type="button" className="btn" onClick={() => void newFolder()}>New folder</button>
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Archived
        </label>
      </div>
      {fromStore.length === 0 && <p className="text-sm">None here.</p>}
      <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {fromStore.map((a) => (
          <li key={a.id} className="flex flex-col gap-1 rounded-lg border border-neutral-200 bg-white p-3 text-sm dark:border-neutral-700 dark:bg-neutral-800" data-testid="store-agent">
            <strong>{a.name}</strong>
            <span className="text-neutral-600 dark:text-neutral-400">
              {a.auto_update_version ? "follows updates" : `stays on version ${a.graph_version}`}
            </span>
            <CredentialsNeeded schema={a.credentials_input_schema} />
            {a.update_available && <span className="text-indigo-800 dark:text-indigo-300">A newer version is published.</span>}
            {a.permissions_increased && <span className="text-amber-800 dark:text-amber-300">The newest version asks for more than before.</span>}
            {!a.can_access_graph && <span className="text-red-700 dark:text-red-300">Taken down: it can no longer run.</span>}
            <div className="mt-auto flex flex-wrap gap-2">
              <button type="button" className="btn" disabled={!a.can_access_graph} onClick={() => setRunning(a)}>Run</button>
              <button type="button" className="btn-ghost" aria-pressed={a.is_favorite} aria-label={`favourite ${a.name}`} onClick={() => void update(a, { is_favorite: !a.is_favorite })}>
                {a.is_favorite ? "★" : "☆"}
              </button>
              <button type="button" className="btn-ghost" onClick={() => void update(a, { auto_update_version: !a.auto_update_version })}>
                {a.auto_update_version ? "Stay on this version" : "Follow updates"}
              </button>
              <button type="button" className="btn-ghost" onClick={() => void update(a, { is_archived: !a.is_archived })}>
                {a.is_archived ? "Unarchive" : "Archive"}
              </button>
              <button type="button" className="btn-ghost" onClick={() => void remove(a)}>Remove</button>
              <label htmlFor={`folder-${a.id}`} className="sr-only">Folder of {a.name}</label>
              <select id={`folder-${a.id}`} className="input text-xs" value={a.folder_id ?? ""} onChange={(e) => void update(a, { folder_id: e.target.value })}>
                <option value="">No folder</option>
                {(folders.data ?? []).map((f) => (
                  <option key={f.id} value={f.id}>{f.name}</option>
                ))}
              </select>
            </div>
          </li>
        ))}
      </ul>
      {running && (
        <RunDialog
          open
          onClose={() => setRunning(null)}
          graphId={running.graph_id}
          version={running.graph_version}
          inputSchema={running.input_schema}
          credentialsSchema={running.credentials_input_schema}
          start={(inputs, credentials_inputs) =>
            unwrap(
              api.POST("/api/library/agents/{library_agent_id}/execute", {
                params: { path: { library_agent_id: running.id } },
                body: { inputs, credentials_inputs },
              }),
            )
          }
          onStarted={(r) => navigate(`/runs/${r.id}?graph=${r.graph_id}`)}
        />
      )}
    </section>
  );
}

/** Which of the runner's own credentials the agent needs before it can run. */
function CredentialsNeeded({ schema }: { schema: unknown }) {
  const fields = Object.values((schema as { properties?: Record<string, { credentials_provider?: string[]; title?: string }> })?.properties ?? {});
  if (!fields.length) return <span className="text-neutral-600 dark:text-neutral-400">Needs no credentials.</span>;
  const names = fields.map((f) => f.credentials_provider?.join(" or ") ?? f.title ?? "a credential");
  return <span>Needs your credentials for {names.join(", ")}.</span>;
}
