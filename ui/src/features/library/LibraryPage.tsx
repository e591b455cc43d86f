//! The library: the user's agents with search, favourites, folders and archive, the way in to
//! create or import one, and the agents added from the store. Every agent, own or from the
//! store, has a library record on the server (`/api/library/agents`), so favourites, folders and
//! archive follow the user to any browser.
import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { keys } from "../../api/queries";
import type { components } from "../../api/schema";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { importGraph } from "../builder/graphFile";
import { StoreShelf, useFolders, useLibraryAgents } from "../store/StoreShelf";

type LibraryAgent = components["schemas"]["LibraryAgent"];

export function LibraryPage() {
  const agents = useLibraryAgents();
  const folders = useFolders();
  const [query, setQuery] = useState("");
  const [showArchived, setShowArchived] = useState(false);
  const navigate = useNavigate();
  const client = useQueryClient();
  const [importing, setImporting] = useState<string | null>(null);
  const own = useMemo(() => (agents.data?.agents ?? []).filter((a) => a.is_created_by_user), [agents.data]);
  const list = useMemo(() => {
    const q = query.toLowerCase();
    return own
      .filter((a) => a.is_archived === showArchived)
      .filter((a) => `${a.name} ${a.description}`.toLowerCase().includes(q))
      .sort((a, b) => Number(b.is_favorite) - Number(a.is_favorite) || a.name.localeCompare(b.name));
  }, [own, query, showArchived]);

  const update = async (a: LibraryAgent, body: components["schemas"]["LibraryAgentUpdate"]) => {
    try {
      await unwrap(api.PATCH("/api/library/agents/{library_agent_id}", { params: { path: { library_agent_id: a.id } }, body }));
      await client.invalidateQueries({ queryKey: ["library"] });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };

  const onImport = async (file: File) => {
    try {
      const g = await importGraph(file, (stage) => setImporting(`Importing ${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB): ${stage}`));
      void client.invalidateQueries({ queryKey: keys.graphs });
      void client.invalidateQueries({ queryKey: ["library"] });
      navigate(`/build/${g.id}`);
    } catch (e) {
      toast.error(errorMessage(e));
    } finally {
      setImporting(null);
    }
  };

  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold">Library</h1>
        <div className="ml-auto flex gap-2">
          <Link to="/build" className="btn-primary">Create an agent</Link>
          <label className="btn cursor-pointer">
            Import an AutoGPT file
            <input type="file" accept=".json,application/json" className="sr-only" onChange={(e) => { const f = e.target.files?.[0]; if (f) void onImport(f); e.target.value = ""; }} />
          </label>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor="library-search" className="sr-only">Search agents</label>
        <input id="library-search" type="search" placeholder="Search agents" className="input max-w-sm flex-1" value={query} onChange={(e) => setQuery(e.target.value)} />
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Archived
        </label>
      </div>
      {importing && <Progress label={importing} />}
      {agents.isLoading && <p role="status">Loading agents…</p>}
      {agents.error && <p role="alert" className="text-red-700">{errorMessage(agents.error)}</p>}
      {agents.data && list.length === 0 && (
        <p className="text-neutral-600 dark:text-neutral-400">
          {own.length === 0 ? "No agents yet: create one or import an AutoGPT agent file." : "No agent matches."}
        </p>
      )}
      <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {list.map((a) => (
          <li key={a.id} className="flex flex-col gap-2 rounded-lg border border-neutral-200 bg-white p-3 dark:border-neutral-700 dark:bg-neutral-800" data-testid="library-agent">
            <div className="flex items-start gap-2">
              <Link to={`/library/${a.graph_id}`} className="font-semibold hover:underline">{a.name}</Link>
              <button type="button" className="btn-ghost ml-auto" aria-pressed={a.is_favorite} aria-label={`favourite ${a.name}`} onClick={() => void update(a, { is_favorite: !a.is_favorite })}>
                {a.is_favorite ? "★" : "☆"}
              </button>
            </div>
            <p className="line-clamp-2 text-sm text-neutral-600 dark:text-neutral-400">{a.description || "No description."}</p>
            <div className="mt-auto flex flex-wrap items-center gap-2 text-sm">
              <span className="text-neutral-600 dark:text-neutral-400">v{a.graph_version}</span>
              {(folders.data ?? []).length > 0 && (
                <>
                  <label htmlFor={`own-folder-${a.id}`} className="sr-only">Folder of {a.name}</label>
                  <select id={`own-folder-${a.id}`} className="input text-xs" value={a.folder_id ?? ""} onChange={(e) => void update(a, { folder_id: e.target.value })}>
                    <option value="">No folder</option>
                    {(folders.data ?? []).map((f) => (
                      <option key={f.id} value={f.id}>{f.name}</option>
                    ))}
                  </select>
                </>
              )}
              <Link to={`/build/${a.graph_id}`} className="ml-auto underline">Edit</Link>
              <button type="button" className="underline" onClick={() => void update(a, { is_archived: !a.is_archived })}>
                {a.is_archived ? "Unarchive" : "Archive"}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <StoreShelf />
    </div>
  );
}
