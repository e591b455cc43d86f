//! `/settings/api-keys`: the user's API keys. A new key's whole text is shown once, with a copy
//! button (the server keeps only its hash); the list shows each key's prefix, permissions, last
//! use and status, and revokes a key at once.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toast } from "../../components/toast";
import { FormError } from "../auth/AuthForm";
import { when } from "./format";

type ApiKey = components["schemas"]["ApiKeyView"];
type Permission = components["schemas"]["Permission"];

const KEYS = ["api-keys"] as const;

/** Every permission with what it allows, in the order the form offers them. */
export const PERMISSIONS: { name: Permission; what: string }[] = [
  { name: "EXECUTE_GRAPH", what: "run agents" },
  { name: "READ_GRAPH", what: "read agents and their runs" },
  { name: "WRITE_GRAPH", what: "save agents, presets and schedules; answer reviews" },
  { name: "EXECUTE_BLOCK", what: "run single blocks" },
  { name: "READ_BLOCK", what: "list blocks" },
  { name: "IDENTITY", what: "read who the key belongs to" },
  { name: "READ_STORE", what: "read the store" },
  { name: "USE_TOOLS", what: "use tools" },
  { name: "READ_INTEGRATIONS", what: "list credentials (never their secrets)" },
  { name: "MANAGE_INTEGRATIONS", what: "add credentials" },
  { name: "DELETE_INTEGRATIONS", what: "delete credentials" },
];

function useApiKeys() {
  return useQuery({ queryKey: KEYS, queryFn: () => unwrap(api.GET("/api/api-keys")) });
}

/** The key's whole text, once, with a copy button. */
function NewKey({ text, onDone }: { text: string; onDone: () => void }) {
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => toast.info("Copied"),
      (e) => toast.error(errorMessage(e)),
    );
  return (
    <div role="status" className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950">
      <p className="font-medium">Copy the key now: it is not shown again.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="new-api-key" className="min-w-0 break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-neutral-900">
          {text}
        </code>
        <button type="button" className="btn" onClick={() => void copy()}>Copy</button>
        <button type="button" className="btn-ghost" onClick={onDone}>Done</button>
      </div>
    </div>
  );
}

function CreateForm({ onCreated }: { onCreated: (text: string) => void }) {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<Set<Permission>>(() => new Set(["EXECUTE_GRAPH", "READ_GRAPH"]));
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/api-keys", { body: { name: name.trim(), permissions: [...chosen] } })),
    onSuccess: (created) => {
      setName("");
      onCreated(created.plain_text_key);
      void client.invalidateQueries({ queryKey: KEYS });
    },
  });
  const toggle = (p: Permission) =>
    setChosen((s) => {
      const next = new Set(s);
      if (next.has(p)) next.delete(p);
      else next.add(p);
      return next;
    });
  return (
    <form
      aria-label="Create an API key"
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="key-name" className="text-sm font-medium">Name</label>
        <input id="key-name" className="input max-w-sm" required value={name} onChange={(e) => setName(e.target.value)} placeholder="CI deploys" />
      </div>
      <fieldset className="flex flex-col gap-1">
        <legend className="text-sm font-medium">Permissions</legend>
        <div className="grid gap-1 sm:grid-cols-2">
          {PERMISSIONS.map((p) => (
            <label key={p.name} className="flex items-start gap-2 text-sm">
              <input type="checkbox" className="mt-0.5 accent-indigo-600" checked={chosen.has(p.name)} onChange={() => toggle(p.name)} />
              <span>
                <code className="text-xs">{p.name}</code> <span className="text-neutral-600 dark:text-neutral-400">{p.what}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <FormError error={create.error ? errorMessage(create.error) : null} />
      <button type="submit" className="btn-primary self-start" disabled={create.isPending || !chosen.size}>
        {create.isPending ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

function KeyRow({ apiKey }: { apiKey: ApiKey }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/api-keys/{key_id}", { params: { path: { key_id: apiKey.id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: KEYS }),
    onError: (e) => toast.error(errorMessage(e)),
  });
  const active = apiKey.status === "ACTIVE";
  return (
    <li data-testid="api-key" className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2 text-sm">
      <span className="min-w-0 flex-1">
        <span className="font-medium">{apiKey.name}</span>{" "}
        <code className="text-xs text-neutral-600 dark:text-neutral-400">{apiKey.prefix}…</code>
        <span className="block text-xs text-neutral-600 dark:text-neutral-400">{apiKey.permissions.join(", ")}</span>
      </span>
      <span className="text-xs text-neutral-600 dark:text-neutral-400">
        {apiKey.last_used_at ? `used ${when(apiKey.last_used_at)}` : "never used"} · made {when(apiKey.created_at)}
      </span>
      <span
        className={`rounded px-1.5 py-0.5 text-xs ${active ? "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100" : "bg-neutral-200 text-neutral-800 dark:bg-neutral-700 dark:text-neutral-100"}`}
      >
        {active ? "active" : `revoked ${apiKey.revoked_at ? when(apiKey.revoked_at) : ""}`}
      </span>
      {active && (
        <button
          type="button"
          className="btn"
          aria-label={`Revoke ${apiKey.name}`}
          disabled={revoke.isPending}
          onClick={() => {
            if (confirm(`Revoke "${apiKey.name}"? Programs using it stop working at once.`)) revoke.mutate();
          }}
        >
          Revoke
        </button>
      )}
    </li>
  );
}

export function ApiKeysPage() {
  const keys = useApiKeys();
  const [shown, setShown] = useState<string | null>(null);
  return (
    <div className="flex max-w-3xl flex-col gap-6">
      <section className="flex flex-col gap-3" aria-labelledby="new-key-heading">
        <h2 id="new-key-heading" className="text-base font-semibold">New API key</h2>
        <p className="text-sm text-neutral-700 dark:text-neutral-300">
          Programs send a key in the <code>X-API-Key</code> header; it can do only what its permissions allow.
        </p>
        {shown ? <NewKey text={shown} onDone={() => setShown(null)} /> : <CreateForm onCreated={setShown} />}
      </section>
      <section className="flex flex-col gap-2" aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="text-base font-semibold">Your keys</h2>
        {keys.isPending && <p role="status">Loading…</p>}
        {keys.error && <FormError error={errorMessage(keys.error)} />}
        {keys.data && keys.data.length === 0 && <p className="text-sm">No API keys yet.</p>}
        {keys.data && keys.data.length > 0 && (
          <ul data-testid="api-key-list" className="divide-y divide-neutral-200 rounded-md border border-neutral-200 bg-white dark:divide-neutral-700 dark:border-neutral-700 dark:bg-neutral-900">
            {keys.data.map((k) => (
              <KeyRow key={k.id} apiKey={k} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
