//! One agent for the runner: run it, its runs, presets, schedules and webhook URLs.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { keys, useGraph, useGraphRuns } from "../../api/queries";
import { toast } from "../../components/toast";
import { RunDialog } from "../runs/RunDialog";
import { RunList } from "../runs/RunsPage";
import { SchedulesPanel } from "../schedules/SchedulesPanel";

interface Preset { id: string; name: string; description: string; inputs: Record<string, unknown>; graph_version: number }
interface Webhook { id: string; url: string; node_id: string; has_secret: boolean }

export function AgentPage() {
  const { graphId } = useParams();
  const graph = useGraph(graphId);
  const runs = useGraphRuns(graphId);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [runOpen, setRunOpen] = useState<Record<string, unknown> | null>(null);
  const presets = useQuery({
    queryKey: [...keys.presets, graphId],
    queryFn: async () =>
      (await unwrap(api.GET("/api/library/presets", { params: { query: { graph_id: graphId, page_size: 100 } } }))).presets,
    enabled: !!graphId,
  });
  const hooks = useQuery({
    queryKey: keys.webhooks(graphId ?? ""),
    queryFn: () => unwrap(api.GET("/api/graphs/{graph_id}/webhooks", { params: { path: { graph_id: graphId! } } })),
    enabled: !!graphId,
  });
  if (graph.isLoading) return <p role="status" className="p-4">Loading…</p>;
  if (graph.error || !graph.data) return <p role="alert" className="p-4">{errorMessage(graph.error)}</p>;
  const g = graph.data;
  const names = new Map([[g.id, g.name]]);

  const savePreset = async () => {
    const name = window.prompt("Preset name");
    if (!name) return;
    const last = runs.data?.[0]?.inputs ?? {};
    try {
      await unwrap(api.POST("/api/library/presets", { body: { graph_id: g.id, graph_version: g.version, name, inputs: last } }));
      void client.invalidateQueries({ queryKey: keys.presets });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const deletePreset = async (p: Preset) => {
    try {
      await unwrap(api.DELETE("/api/library/presets/{preset_id}", { params: { path: { preset_id: p.id } } }));
      void client.invalidateQueries({ queryKey: keys.presets });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const testHook = async (h: Webhook) => {
    try {
      // As an outside caller sends it: without this browser's session (the URL is the only
      // credential), which also keeps the session's CSRF check out of it.
      const res = await fetch(new URL(h.url).pathname, {
        method: "POST",
        credentials: "omit",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ test: true }),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? `${res.status}`);
      toast.info("Test request accepted: a run started");
      void client.invalidateQueries({ queryKey: keys.graphRuns(g.id) });
    } catch (e) {
      toast.error(`Test request failed: ${errorMessage(e)}`);
    }
  };

  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-5 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold">{g.name}</h1>
        <span className="text-sm text-neutral-600 dark:text-neutral-400">version {g.version}</span>
        <div className="ml-auto flex gap-2">
          <Link className="btn" to={`/build/${g.id}`}>Edit</Link>
          <button type="button" className="btn-primary" onClick={() => setRunOpen({})}>Run</button>
        </div>
      </div>
      {g.description && <p className="text-sm">{g.description}</p>}
      <section>
        <div className="mb-2 flex items-center gap-2">
          <h2 className="font-semibold">Presets</h2>
          <button type="button" className="btn-ghost text-sm" onClick={savePreset} disabled={!runs.data?.length} title="Saves the last run's inputs">
            Save last run's inputs as a preset
          </button>
        </div>
        {presets.error && <p role="alert">{errorMessage(presets.error)}</p>}
        <ul className="flex flex-col gap-1">
          {(presets.data ?? []).map((p) => (
            <li key={p.id} className="flex items-center gap-2 text-sm">
              <span className="font-medium">{p.name}</span>
              <span className="truncate font-mono text-xs">{JSON.stringify(p.inputs)}</span>
              <button type="button" className="btn ml-auto" onClick={() => setRunOpen(p.inputs)}>Run</button>
              <button type="button" className="btn-ghost" onClick={() => deletePreset(p)} aria-label={`delete preset ${p.name}`}>Delete</button>
            </li>
          ))}
        </ul>
      </section>
      <SchedulesPanel graph={g} />
      {(hooks.data?.length ?? 0) > 0 && (
        <section>
          <h2 className="mb-2 font-semibold">Webhooks</h2>
          {hooks.data!.map((h) => (
            <div key={h.id} className="flex flex-wrap items-center gap-2 text-sm">
              <code className="break-all rounded bg-neutral-100 px-2 py-1 dark:bg-neutral-800" data-testid="webhook-url">{h.url}</code>
              <button type="button" className="btn" onClick={() => navigator.clipboard.writeText(h.url).then(() => toast.info("Copied"), (e) => toast.error(errorMessage(e)))}>Copy</button>
              {!h.has_secret && <button type="button" className="btn" onClick={() => testHook(h)}>Send a test request</button>}
              {h.has_secret && <span className="text-xs">signed with the node's secret: test it with a signed request</span>}
            </div>
          ))}
        </section>
      )}
      <section>
        <h2 className="mb-2 font-semibold">Runs</h2>
        {runs.isLoading && <p role="status">Loading runs…</p>}
        {runs.data?.length === 0 && <p className="text-sm">No runs yet.</p>}
        <RunList runs={runs.data ?? []} names={names} />
      </section>
      <RunDialog
        key={JSON.stringify(runOpen)}
        open={runOpen !== null}
        onClose={() => setRunOpen(null)}
        graphId={g.id}
        version={g.version}
        inputSchema={g.input_schema}
        credentialsSchema={g.credentials_input_schema}
        initial={runOpen ?? {}}
        onStarted={(r) => {
          setRunOpen(null);
          void client.invalidateQueries({ queryKey: keys.runs });
          navigate(`/runs/${r.id}?graph=${g.id}`);
        }}
      />
    </div>
  );
}
