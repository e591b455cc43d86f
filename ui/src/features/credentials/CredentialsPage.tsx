//! `/settings/credentials`: the user's credentials by provider, never their secrets; add one
//! (API key, user and password, headers for a host, or OAuth2 "connect") and delete one.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { toast } from "../../components/toast";
import { FormError } from "../auth/AuthForm";
import { AddCredential } from "./AddCredential";
import { CREDENTIALS, KIND_LABEL, useCredentials, type Credential } from "./credentials";

function expiry(c: Credential): string | null {
  if (!c.expires_at) return null;
  const at = new Date(c.expires_at * 1000);
  return `${at < new Date() ? "expired" : "expires"} ${at.toLocaleString()}`;
}

function Row({ credential: c }: { credential: Credential }) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/api/integrations/{provider}/credentials/{cred_id}", { params: { path: { provider: c.provider, cred_id: c.id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: CREDENTIALS }),
    onError: (e) => toast.error(errorMessage(e)),
  });
  const name = c.title || KIND_LABEL[c.type] || c.type;
  const facts = [KIND_LABEL[c.type] ?? c.type, c.username && `user ${c.username}`, c.host && `host ${c.host}`, c.scopes?.length && `scopes ${c.scopes.join(" ")}`, expiry(c)];
  return (
    <li data-testid="credential" className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2 text-sm">
      <span className="min-w-0 flex-1">
        <span className="font-medium">{name}</span>
        <span className="block text-xs text-neutral-600 dark:text-neutral-400">{facts.filter(Boolean).join(" · ")}</span>
      </span>
      <button
        type="button"
        className="btn"
        aria-label={`Delete ${name}`}
        disabled={remove.isPending}
        onClick={() => {
          if (confirm(`Delete "${name}"? Agents that use it will ask for another.`)) remove.mutate();
        }}
      >
        Delete
      </button>
    </li>
  );
}

export function CredentialsPage() {
  const creds = useCredentials();
  const byProvider = new Map<string, Credential[]>();
  for (const c of creds.data ?? []) byProvider.set(c.provider, [...(byProvider.get(c.provider) ?? []), c]);
  return (
    <div className="flex max-w-3xl flex-col gap-6">
      <section className="flex flex-col gap-2" aria-labelledby="creds-heading">
        <h2 id="creds-heading" className="text-base font-semibold">Your credentials</h2>
        <p className="text-sm text-neutral-700 dark:text-neutral-300">
          Blocks that call other services use these. The server stores them encrypted and never shows a secret again.
        </p>
        {creds.isPending && <p role="status">Loading…</p>}
        {creds.error && <FormError error={errorMessage(creds.error)} />}
        {creds.data?.length === 0 && <p className="text-sm">No credentials yet.</p>}
        {[...byProvider].sort(([a], [b]) => a.localeCompare(b)).map(([provider, list]) => (
          <section key={provider} aria-label={provider} data-testid="provider-credentials" data-provider={provider}>
            <h3 className="mb-1 text-sm font-semibold">{provider}</h3>
            <ul className="divide-y divide-neutral-200 rounded-md border border-neutral-200 bg-white dark:divide-neutral-700 dark:border-neutral-700 dark:bg-neutral-900">
              {list.map((c) => (
                <Row key={c.id} credential={c} />
              ))}
            </ul>
          </section>
        ))}
      </section>
      <section className="flex flex-col gap-2" aria-labelledby="add-cred-heading">
        <h2 id="add-cred-heading" className="text-base font-semibold">Add a credential</h2>
        <AddCredential />
      </section>
    </div>
  );
}
