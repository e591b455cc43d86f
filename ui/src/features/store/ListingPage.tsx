//! `/store/:creator/:slug`: one listing — description, instructions, output example, images,
//! video, the permissions summary — and "Add to library" (follow updates or stay on this
//! version), fork (a copy the user owns), run once added, download as an AutoGPT file, rate.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { keys } from "../../api/queries";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { RunDialog } from "../runs/RunDialog";
import { PermissionsSummary } from "./Permissions";
import { useLibraryAgents } from "./StoreShelf";
import { useListing } from "./storeApi";
import type { components } from "../../api/schema";

type LibraryAgent = components["schemas"]["LibraryAgent"];

export function ListingPage() {
  const { creator, slug } = useParams();
  const listing = useListing(creator, slug);
  const navigate = useNavigate();
  const client = useQueryClient();
  const [follow, setFollow] = useState(true);
  const [justAdded, setAdded] = useState<LibraryAgent | null>(null);
  const library = useLibraryAgents();
  const [busy, setBusy] = useState<string | null>(null);
  const [runOpen, setRunOpen] = useState(false);
  const [score, setScore] = useState(5);

  if (listing.isLoading) return <Progress className="p-4" label="Loading the agent…" />;
  if (listing.error) return <p role="alert" className="p-4">{errorMessage(listing.error)}</p>;
  const a = listing.data!;
  // Already in the library (an earlier visit): say so rather than offer to add it twice.
  const added = justAdded ?? library.data?.agents.find((x) => x.store_listing_version_id === a.store_listing_version_id) ?? null;

  const add = async (autoUpdate: boolean) => {
    const agent = await unwrap(
      api.POST("/api/library/agents", { body: { store_listing_version_id: a.store_listing_version_id, auto_update_version: autoUpdate } }),
    );
    setAdded(agent);
    void client.invalidateQueries({ queryKey: ["library"] });
    return agent;
  };
  const act = async (what: string, f: () => Promise<void>) => {
    setBusy(what);
    try {
      await f();
    } catch (e) {
      toast.error(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  const download = () =>
    act("Downloading…", async () => {
      const g = await unwrap(
        api.GET("/api/store/download/agents/{store_listing_version_id}", { params: { path: { store_listing_version_id: a.store_listing_version_id } } }),
      );
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(g, null, 2)], { type: "application/json" }));
      link.download = `${a.slug}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    });

  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-4 p-4">
      <p className="text-sm">
        <Link className="underline" to="/store">Store</Link> › {a.agent_name}
      </p>
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <h1 className="text-xl font-semibold">{a.agent_name}</h1>
          <p>{a.sub_heading}</p>
          <p className="text-sm text-neutral-600 dark:text-neutral-400">
            by <Link className="underline" to={`/creators/${encodeURIComponent(a.creator)}`}>{a.creator}</Link> · ★ {a.rating.toFixed(1)} · {a.runs} runs · updated{" "}
            {new Date(a.last_updated).toLocaleDateString()}
            {a.categories.length > 0 && ` · ${a.categories.join(", ")}`}
          </p>
        </div>
      </div>
      <PermissionsSummary permissions={a.permissions} />
      <section aria-label="Add to your library" className="flex flex-col gap-2 rounded-md border border-neutral-200 bg-white p-3 dark:border-neutral-700 dark:bg-neutral-900">
        {added ? (
          <div className="flex flex-wrap items-center gap-2 text-sm" role="status">
            <span>
              In your library{added.auto_update_version ? ", following updates" : `, staying on version ${added.graph_version}`}.
            </span>
            <button type="button" className="btn-primary" onClick={() => setRunOpen(true)}>Run</button>
            <Link className="btn" to="/">Open the library</Link>
          </div>
        ) : (
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <fieldset className="flex flex-wrap gap-3">
              <legend className="sr-only">Updates</legend>
              <label className="flex items-center gap-1">
                <input type="radio" name="follow" className="accent-indigo-600" checked={follow} onChange={() => setFollow(true)} /> Follow updates
              </label>
              <label className="flex items-center gap-1">
                <input type="radio" name="follow" className="accent-indigo-600" checked={!follow} onChange={() => setFollow(false)} /> Stay on this version
              </label>
            </fieldset>
            <button type="button" className="btn-primary" disabled={!!busy} onClick={() => void act("Adding…", async () => void (await add(follow)))}>
              Add to library
            </button>
          </div>
        )}
        <div className="flex flex-wrap gap-2 text-sm">
          <button
            type="button"
            className="btn"
            disabled={!!busy}
            onClick={() =>
              void act("Forking…", async () => {
                const lib = added ?? (await add(false));
                const fork = await unwrap(api.POST("/api/library/agents/{library_agent_id}/fork", { params: { path: { library_agent_id: lib.id } } }));
                void client.invalidateQueries({ queryKey: keys.graphs });
                toast.info(`Forked: ${fork.name} is yours to edit`);
                navigate(`/build/${fork.graph_id}`);
              })
            }
          >
            Fork (make my own copy)
          </button>
          <button type="button" className="btn" disabled={!!busy} onClick={() => void download()}>Download AutoGPT file</button>
        </div>
        {busy && <Progress label={busy} />}
      </section>
      {a.description && (
        <section>
          <h2 className="font-semibold">About</h2>
          <p className="whitespace-pre-wrap">{a.description}</p>
        </section>
      )}
      {a.instructions && (
        <section>
          <h2 className="font-semibold">Instructions</h2>
          <p className="whitespace-pre-wrap">{a.instructions}</p>
        </section>
      )}
      {a.agent_output_demo && (
        <section>
          <h2 className="font-semibold">Example output</h2>
          <p className="whitespace-pre-wrap break-words">{a.agent_output_demo}</p>
        </section>
      )}
      {a.agent_image.length > 0 && (
        <div className="flex flex-wrap gap-2">
          {a.agent_image.map((src) => (
            <img key={src} src={src} alt={`${a.agent_name} screenshot`} className="h-40 rounded border border-neutral-200 object-cover dark:border-neutral-700" />
          ))}
        </div>
      )}
      {a.agent_video && (
        <p className="text-sm">
          Video: <a className="underline" href={a.agent_video} rel="noopener noreferrer nofollow">{a.agent_video}</a>
        </p>
      )}
      <form
        aria-label="Rate this agent"
        className="flex flex-wrap items-end gap-2 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          void act("Rating…", async () => {
            await unwrap(
              api.POST("/api/store/agents/{username}/{agent_name}/review", {
                params: { path: { username: creator!, agent_name: slug! } },
                body: { score, store_listing_version_id: a.store_listing_version_id },
              }),
            );
            toast.info("Thanks for rating it");
            void listing.refetch();
          });
        }}
      >
        <label htmlFor="rating" className="font-medium">Your rating</label>
        <select id="rating" className="input" value={score} onChange={(e) => setScore(Number(e.target.value))}>
          {[5, 4, 3, 2, 1].map((n) => (
            <option key={n} value={n}>{"★".repeat(n)}</option>
          ))}
        </select>
        <button type="submit" className="btn" disabled={!!busy}>Rate</button>
      </form>
      {added && (
        <RunDialog
          open={runOpen}
          onClose={() => setRunOpen(false)}
          graphId={added.graph_id}
          version={added.graph_version}
          inputSchema={added.input_schema}
          credentialsSchema={added.credentials_input_schema}
          start={(inputs, credentials_inputs) =>
            unwrap(
              api.POST("/api/library/agents/{library_agent_id}/execute", {
                params: { path: { library_agent_id: added.id } },
                body: { inputs, credentials_inputs },
              }),
            )
          }
          onStarted={(r) => {
            setRunOpen(false);
            navigate(`/runs/${r.id}?graph=${r.graph_id}`);
          }}
        />
      )}
    </div>
  );
}
