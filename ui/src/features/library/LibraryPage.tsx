//! The library: the user's agents with search, favourites and archive, the way in to create or
//! import one, and the agents added from the store.
import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../api/client";
import { keys, useGraphs } from "../../api/queries";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { importGraph } from "../builder/graphFile";
import { StoreShelf } from "../store/StoreShelf";
import { useShelf } from "./shelf";

export function LibraryPage() {
  const graphs = useGraphs();
  const [query, setQuery] = useState("");
  const [showArchived, setShowArchived] = useState(false);
  const favourites = useShelf((s) => s.favourites);
  const archived = useShelf((s) => s.archived);
  const toggle = useShelf((s) => s.toggle);
  const navigate = useNavigate();
  const client = useQueryClient();
  const [importing, setImporting] = useState<string | null>(null);
  const list = useMemo(() => {
    const q = query.toLowerCase();
    return (graphs.data ?? [])
      .filter((g) => showArchived === archived.includes(g.id))
      .filter((g) => `${g.name} ${g.description}`.toLowerCase().includes(q))
      .sort((a, b) => Number(favourites.includes(b.id)) - Number(favourites.includes(a.id)) || a.name.localeCompare(b.name));
  }, [graphs.data, query, favourites, archived, showArchived]);

  const onImport = async (file: File) => {
    try {
      const g = await importGraph(file, (stage) => setImporting(`Importing ${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB): ${stage}`));
      void client.invalidateQueries({ queryKey: keys.graphs });
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
      {graphs.isLoading && <p role="status">Loading agents…</p>}
      {graphs.error && <p role="alert" className="text-red-700">{errorMessage(graphs.error)}</p>}
      {graphs.data && list.length === 0 && (
        <p className="text-neutral-600 dark:text-neutral-400">
          {graphs.data.length === 0 ? "No agents yet: create one or import an AutoGPT agent file." : "No agent matches."}
        </p>
      )}
      <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {list.map((g) => (
          <li key={g.id} className="flex flex-col gap-2 rounded-lg border border-neutral-200 bg-white p-3 dark:border-neutral-700 dark:bg-neutral-800" data-testid="library-agent">
            <div className="flex items-start gap-2">
              <Link to={`/library/${g.id}`} className="font-semibold hover:underline">{g.name}</Link>
              <button type="button" className="btn-ghost ml-auto" aria-pressed={favourites.includes(g.id)} aria-label={`favourite ${g.name}`} onClick={() => toggle("favourites", g.id)}>
                {favourites.includes(g.id) ? "★" : "☆"}
              </button>
            </div>
            <p className="line-clamp-2 text-sm text-neutral-600 dark:text-neutral-400">{g.description || "No description."}</p>
            <div className="mt-auto flex gap-2 text-sm">
              <span className="text-neutral-600 dark:text-neutral-400">v{g.version}</span>
              <Link to={`/build/${g.id}`} className="ml-auto underline">Edit</Link>
              <button type="button" className="underline" onClick={() => toggle("archived", g.id)}>
                {archived.includes(g.id) ? "Unarchive" : "Archive"}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <StoreShelf />
    </div>
  );
}
