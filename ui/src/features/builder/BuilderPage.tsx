//! The builder page: palette, canvas, top bar (name, version, save, run, import/export,
//! versions, layout, help), keyboard shortcuts, file drops and the live run panel.
import { useCallback, useEffect, useRef, useState } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, errorMessage } from "../../api/client";
import { keys, useBlocks, useGraph } from "../../api/queries";
import { Dialog } from "../../components/Dialog";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { fromFlow, toFlow } from "../../graph/convert";
import type { ApiGraph, BlockInfo, NodeErrors } from "../../graph/types";
import { RunDialog } from "../runs/RunDialog";
import { RunPanel } from "../runs/RunPanel";
import { BlockPalette } from "./BlockPalette";
import { Canvas } from "./Canvas";
import { useCatalogue } from "./catalogue";
import { SHORTCUTS, autoLayout, copySelection, deleteSelection, newNode, paste, selectAll, typing } from "./commands";
import { activateVersion, exportGraph, importGraph, saveGraph } from "./graphFile";
import { useBuilder } from "./store";
import { VersionsPanel } from "./VersionsPanel";

export function BuilderPage() {
  return (
    <ReactFlowProvider>
      <Builder />
    </ReactFlowProvider>
  );
}

function Builder() {
  const { graphId } = useParams();
  const [search, setSearch] = useSearchParams();
  const version = search.get("version") ? Number(search.get("version")) : undefined;
  const runId = search.get("run") ?? undefined;
  const navigate = useNavigate();
  const client = useQueryClient();
  const blocks = useBlocks();
  const graph = useGraph(graphId, version);
  const setCatalogue = useCatalogue((s) => s.set);
  const catalogueReady = useCatalogue((s) => s.blocks.size > 0);
  const name = useBuilder((s) => s.name);
  const dirty = useBuilder((s) => s.dirty);
  const savedVersion = useBuilder((s) => s.version);
  const refusal = useBuilder((s) => s.refusal);
  const [saving, setSaving] = useState(false);
  // What a long operation (drawing a big graph, importing a file) is doing; null when idle.
  const [busy, setBusy] = useState<string | null>(null);
  // Set while a big graph is about to be drawn: the canvas waits for it, the label shows.
  const [drawing, setDrawing] = useState<string | null>(null);
  const [runOpen, setRunOpen] = useState(false);
  const [panel, setPanel] = useState<"versions" | "help" | null>(null);
  const [paletteOpen, setPaletteOpen] = useState(() => window.innerWidth >= 640);
  // The saved version's run form: its inputs and the credentials its blocks need.
  const [runSchema, setRunSchema] = useState<Pick<ApiGraph, "input_schema" | "credentials_input_schema">>({});
  const searchRef = useRef<HTMLInputElement>(null);
  const flow = useReactFlow();

  useEffect(() => {
    if (blocks.data) setCatalogue(blocks.data);
  }, [blocks.data, setCatalogue]);

  // Load the graph (or a blank one) once the catalogue is there.
  const loadedKey = useRef<string | null>(null);
  useEffect(() => {
    if (!catalogueReady) return;
    const key = `${graphId ?? "new"}@${version ?? "active"}`;
    if (loadedKey.current === key) return;
    const { blocks: catalogue } = useCatalogue.getState();
    if (!graphId) {
      loadedKey.current = key;
      useBuilder.getState().load({ id: null, version: null, name: "Untitled agent", description: "" }, { nodes: [], edges: [] });
      setRunSchema({});
    } else if (graph.data) {
      loadedKey.current = key;
      const g = graph.data;
      const draw = () => {
        useBuilder.getState().load({ id: g.id, version: g.version, name: g.name, description: g.description }, toFlow(g, catalogue));
        setRunSchema(g);
        // The canvas mounts with every node in this same render, as React Flow's fit expects.
        setDrawing(null);
        requestAnimationFrame(() => flow.fitView({ maxZoom: 1 }));
      };
      if (g.nodes.length < 50) {
        draw();
      } else {
        // Say what happens first: the label is painted before the canvas takes the frame.
        setDrawing(`Drawing ${g.nodes.length} nodes and ${g.links.length} links…`);
        requestAnimationFrame(() => setTimeout(draw));
      }
    }
  }, [catalogueReady, graphId, version, graph.data, flow]);

  const save = useCallback(async (): Promise<ApiGraph | null> => {
    const s = useBuilder.getState();
    setSaving(true);
    try {
      const saved = await saveGraph(s.graphId, fromFlow({ name: s.name, description: s.description }, s.nodes, s.edges));
      useBuilder.getState().markSaved(saved.id, saved.version);
      // The server may give nodes fresh ids; take its copy so runs map onto the canvas.
      const positions = new Map(useBuilder.getState().nodes.map((n) => [n.id, n.position]));
      const flowState = toFlow(saved, useCatalogue.getState().blocks);
      flowState.nodes = flowState.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position }));
      useBuilder.getState().load({ id: saved.id, version: saved.version, name: saved.name, description: saved.description }, flowState);
      setRunSchema(saved);
      loadedKey.current = `${saved.id}@active`;
      client.setQueryData(keys.graph(saved.id), saved);
      void client.invalidateQueries({ queryKey: keys.graphs });
      void client.invalidateQueries({ queryKey: keys.versions(saved.id) });
      if (!s.graphId || version) navigate(`/build/${saved.id}`, { replace: true });
      return saved;
    } catch (e) {
      if (e instanceof ApiError && e.details?.node_errors) {
        useBuilder.getState().setNodeErrors(e.details.node_errors as NodeErrors);
      }
      toast.error(errorMessage(e));
      return null;
    } finally {
      setSaving(false);
    }
  }, [client, navigate, version]);

  const run = useCallback(async () => {
    const s = useBuilder.getState();
    if (s.dirty || !s.graphId) {
      if (!(await save())) return;
    }
    setRunOpen(true);
  }, [save]);

  const addBlock = useCallback(
    (b: BlockInfo) => {
      const { x, y, zoom } = flow.getViewport();
      const el = document.querySelector(".react-flow");
      const w = el?.clientWidth ?? 800;
      const h = el?.clientHeight ?? 600;
      const at = { x: (w / 2 - x) / zoom - 140 + Math.random() * 40, y: (h / 2 - y) / zoom - 100 + Math.random() * 40 };
      useBuilder.getState().commit((s) => ({ ...s, nodes: [...s.nodes, newNode(b, at)] }));
    },
    [flow],
  );

  const importFile = useCallback(
    async (file: File) => {
      const size = file.size > 10240 ? `${Math.round(file.size / 1024)} KB` : `${file.size} bytes`;
      try {
        const g = await importGraph(file, (stage) => setBusy(`Importing ${file.name} (${size}): ${stage}`));
        toast.info(`Imported ${g.name}`);
        void client.invalidateQueries({ queryKey: keys.graphs });
        navigate(`/build/${g.id}`);
      } catch (e) {
        toast.error(errorMessage(e));
      } finally {
        setBusy(null);
      }
    },
    [client, navigate],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const shortcut = SHORTCUTS.find((s) => s.match(e));
      if (!shortcut) return;
      const inField = typing(e);
      if (inField && !["save", "run", "close"].includes(shortcut.id)) return;
      const b = useBuilder.getState();
      switch (shortcut.id) {
        case "save": void save(); break;
        case "run": void run(); break;
        case "undo": b.undo(); break;
        case "redo": b.redo(); break;
        case "copy": if (!copySelection()) return; break;
        case "paste": if (!paste()) return; break;
        case "selectAll": selectAll(); break;
        case "search": setPaletteOpen(true); setTimeout(() => searchRef.current?.focus()); break;
        case "fit": flow.fitView({ maxZoom: 1 }); break;
        case "layout": autoLayout(); setTimeout(() => flow.fitView({ maxZoom: 1 })); break;
        case "help": setPanel("help"); break;
        case "close": setPanel(null); return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save, run, flow]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (useBuilder.getState().dirty) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  if (blocks.error) return <p role="alert" className="p-4">{errorMessage(blocks.error)}</p>;
  if (graph.error) return <p role="alert" className="p-4">{errorMessage(graph.error)}</p>;

  return (
    <div
      className="flex h-full flex-col"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files")) e.preventDefault();
      }}
      onDrop={(e) => {
        const file = e.dataTransfer.files[0];
        if (file) {
          e.preventDefault();
          void importFile(file);
        }
      }}
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-neutral-200 px-3 py-2 dark:border-neutral-700">
        <button type="button" className="btn-ghost" aria-expanded={paletteOpen} aria-controls="palette" onClick={() => setPaletteOpen((v) => !v)}>
          Blocks
        </button>
        <label htmlFor="graph-name" className="sr-only">Agent name</label>
        <input
          id="graph-name"
          className="min-w-0 flex-1 rounded-md border border-transparent bg-transparent px-2 py-1 text-base font-semibold hover:border-neutral-300 sm:max-w-xs"
          value={name}
          onChange={(e) => useBuilder.getState().setName(e.target.value)}
        />
        <span className="text-xs text-neutral-600 dark:text-neutral-400" data-testid="save-status" aria-live="polite">
          {saving ? `Saving ${useBuilder.getState().nodes.length} nodes…` : dirty ? "Unsaved changes" : savedVersion ? `Saved · version ${savedVersion}` : "Not saved yet"}
        </span>
        <div className="ml-auto flex flex-wrap gap-1">
          <button type="button" className="btn" onClick={() => { autoLayout(); setTimeout(() => flow.fitView({ maxZoom: 1 })); }}>Layout</button>
          {savedVersion && <button type="button" className="btn" onClick={() => setPanel("versions")}>Versions</button>}
          <label className="btn cursor-pointer">
            Import
            <input type="file" accept=".json,application/json" className="sr-only" onChange={(e) => { const f = e.target.files?.[0]; if (f) void importFile(f); e.target.value = ""; }} />
          </label>
          {savedVersion && (
            <button type="button" className="btn" onClick={() => exportGraph(useBuilder.getState().graphId!, savedVersion, name).catch((e) => toast.error(errorMessage(e)))}>
              Export
            </button>
          )}
          <button type="button" className="btn-ghost" aria-label="Keyboard shortcuts" onClick={() => setPanel("help")}>?</button>
          <button type="button" className="btn" onClick={() => void save()} disabled={saving}>Save</button>
          <button type="button" className="btn-primary" onClick={() => void run()}>Run</button>
        </div>
      </header>
      {(busy || saving) && (
        <Progress className="border-b border-neutral-200 px-3 py-2 dark:border-neutral-700" label={busy ?? `Saving ${useBuilder.getState().nodes.length} nodes as a new version…`} />
      )}
      {refusal && (
        <div role="alert" className="flex items-center gap-2 bg-amber-100 px-3 py-1 text-sm text-amber-950">
          {refusal}
          <button type="button" className="ml-auto" aria-label="Dismiss" onClick={() => useBuilder.getState().setRefusal(null)}>✕</button>
        </div>
      )}
      <div className="relative flex min-h-0 flex-1">
        {paletteOpen && (
          <div id="palette" className="absolute inset-y-0 left-0 z-10 sm:static">
            <BlockPalette ref={searchRef} blocks={blocks.data ?? []} onAdd={(b) => { addBlock(b); if (window.innerWidth < 640) setPaletteOpen(false); }} />
          </div>
        )}
        <main className="min-w-0 flex-1" aria-label="Canvas">
          {blocks.isLoading ? (
            <Progress className="p-4" label="Loading the blocks…" />
          ) : graphId && graph.isLoading ? (
            <Progress className="p-4" label="Fetching the agent…" />
          ) : drawing ? (
            <Progress className="p-4" label={drawing} />
          ) : (
            <Canvas />
          )}
        </main>
      </div>
      {runId && graphId && <RunPanel graphId={graphId} runId={runId} onClose={() => { search.delete("run"); setSearch(search); useBuilder.getState().setNodeRuns({}); }} onRerun={(r) => setSearch({ run: r.id })} />}
      {savedVersion && graphId && (
        <RunDialog
          open={runOpen}
          onClose={() => setRunOpen(false)}
          graphId={graphId}
          version={savedVersion}
          inputSchema={runSchema.input_schema}
          credentialsSchema={runSchema.credentials_input_schema}
          onStarted={(r) => {
            setRunOpen(false);
            void client.invalidateQueries({ queryKey: keys.runs });
            setSearch({ run: r.id });
          }}
          onRefused={(e) => {
            if (e instanceof ApiError && e.details?.node_errors) useBuilder.getState().setNodeErrors(e.details.node_errors as NodeErrors);
          }}
        />
      )}
      <Dialog open={panel === "versions"} title="Version history" onClose={() => setPanel(null)} wide>
        {graphId && (
          <VersionsPanel
            graphId={graphId}
            current={savedVersion}
            onRestore={async (v) => {
              try {
                await activateVersion(graphId, v);
                await client.invalidateQueries({ queryKey: keys.versions(graphId) });
                await client.invalidateQueries({ queryKey: ["graph", graphId] });
                loadedKey.current = null;
                setPanel(null);
                toast.info(`Version ${v} is active`);
                navigate(`/build/${graphId}?version=${v}`);
              } catch (e) {
                toast.error(errorMessage(e));
              }
            }}
          />
        )}
      </Dialog>
      <Dialog open={panel === "help"} title="Keyboard shortcuts" onClose={() => setPanel(null)}>
        <table className="w-full text-sm">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.id}>
                <td className="py-1 pr-4"><kbd className="rounded border px-1 font-mono text-xs">{s.keys}</kbd></td>
                <td>{s.label}</td>
              </tr>
            ))}
            <tr><td className="py-1 pr-4"><kbd className="rounded border px-1 font-mono text-xs">Delete</kbd></td><td>Remove the selection</td></tr>
          </tbody>
        </table>
        <button type="button" className="sr-only" onClick={deleteSelection}>Remove the selection</button>
      </Dialog>
    </div>
  );
}
