//! Adding a credential: an API key, a user and password, or headers for one host, stored
//! encrypted by the server; or "Connect" for OAuth2, which goes to the provider and back. Used
//! by the credentials page and, in place, by a node's credentials picker.
import { useEffect, useId, useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { FormError } from "../auth/AuthForm";
import { CREDENTIALS, KIND_LABEL, OAUTH_CHANNEL, connectOauth, useProviders, type Credential, type CredentialKind } from "./credentials";

type Body = components["schemas"]["CreateCredentials"];
const STORED: CredentialKind[] = ["api_key", "user_password", "host_scoped"];

function Input({ label, value, onChange, type = "text", placeholder }: { label: string; value: string; onChange: (v: string) => void; type?: string; placeholder?: string }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">{label}</label>
      <input id={id} className="input" type={type} autoComplete="off" required={label !== "Title"} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** Header rows for a host-scoped credential. */
function Headers({ rows, onChange }: { rows: [string, string][]; onChange: (rows: [string, string][]) => void }) {
  const set = (i: number, j: 0 | 1, v: string) => onChange(rows.map((r, k) => (k === i ? (j ? [r[0], v] : [v, r[1]]) : r)));
  return (
    <fieldset className="flex flex-col gap-1">
      <legend className="text-sm font-medium">Headers</legend>
      {rows.map(([name, value], i) => (
        <div key={i} className="flex gap-2">
          <input className="input w-2/5" aria-label={`Header ${i + 1} name`} placeholder="Authorization" value={name} onChange={(e) => set(i, 0, e.target.value)} />
          <input className="input min-w-0 flex-1" type="password" autoComplete="off" aria-label={`Header ${i + 1} value`} value={value} onChange={(e) => set(i, 1, e.target.value)} />
        </div>
      ))}
      <button type="button" className="btn-ghost self-start" onClick={() => onChange([...rows, ["", ""]])}>+ header</button>
    </fieldset>
  );
}

export function AddCredential({
  providers: only,
  types: onlyTypes,
  onAdded,
}: {
  /** The providers to offer (a node's input); all the blocks know when absent. */
  providers?: string[];
  types?: CredentialKind[];
  onAdded?: (c: Credential) => void;
}) {
  const client = useQueryClient();
  const known = useProviders();
  const providers = only?.length ? only : [...known.keys()];
  const [pickedProvider, setProvider] = useState<string | null>(null);
  const provider = pickedProvider && providers.includes(pickedProvider) ? pickedProvider : (providers[0] ?? "");
  const accepted = onlyTypes?.length ? onlyTypes : [...(known.get(provider) ?? STORED)];
  const kinds = accepted.filter((k) => STORED.includes(k));
  const oauth = accepted.includes("oauth2");
  const [picked, setKind] = useState<CredentialKind | null>(null);
  const kind = picked && kinds.includes(picked) ? picked : (kinds[0] ?? null);
  const [title, setTitle] = useState("");
  const [key, setKey] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [host, setHost] = useState("");
  const [headers, setHeaders] = useState<[string, string][]>([["Authorization", ""]]);
  const [oauthError, setOauthError] = useState<string | null>(null);
  const ids = { provider: useId(), kind: useId() };
  const added = useRef(onAdded);
  useEffect(() => {
    added.current = onAdded;
  }, [onAdded]);
  // A login finished in the popup: its callback page says so here.
  useEffect(() => {
    const channel = new BroadcastChannel(OAUTH_CHANNEL);
    channel.onmessage = (e: MessageEvent<{ credential?: Credential }>) => {
      if (!e.data.credential) return;
      void client.invalidateQueries({ queryKey: CREDENTIALS });
      added.current?.(e.data.credential);
    };
    return () => channel.close();
  }, [client]);

  const add = useMutation({
    mutationFn: () => {
      const secret =
        kind === "api_key"
          ? { type: "api_key" as const, api_key: key }
          : kind === "user_password"
            ? { type: "user_password" as const, username, password }
            : { type: "host_scoped" as const, host, headers: Object.fromEntries(headers.filter(([n]) => n.trim())) };
      const body = { ...secret, provider, title: title.trim() || null } as Body;
      return unwrap(api.POST("/api/integrations/{provider}/credentials", { params: { path: { provider } }, body }));
    },
    onSuccess: (c) => {
      setKey("");
      setPassword("");
      setTitle("");
      setHeaders([["Authorization", ""]]);
      void client.invalidateQueries({ queryKey: CREDENTIALS });
      onAdded?.(c);
    },
  });

  return (
    <form
      aria-label="Add a credential"
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        e.stopPropagation();
        add.mutate();
      }}
    >
      <div className="flex flex-wrap gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.provider} className="text-sm font-medium">Provider</label>
          {providers.length > 1 || !only?.length ? (
            <select id={ids.provider} className="input" value={provider} onChange={(e) => setProvider(e.target.value)}>
              {providers.map((p) => (
                <option key={p} value={p}>{p}</option>
              ))}
            </select>
          ) : (
            <input id={ids.provider} className="input" readOnly value={provider} />
          )}
        </div>
        {kinds.length > 0 && (
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.kind} className="text-sm font-medium">Kind</label>
            <select id={ids.kind} className="input" value={kind ?? ""} onChange={(e) => setKind(e.target.value as CredentialKind)}>
              {kinds.map((k) => (
                <option key={k} value={k}>{KIND_LABEL[k]}</option>
              ))}
            </select>
          </div>
        )}
      </div>
      {oauth && (
        <div className="flex flex-wrap items-center gap-2">
          <button
            type="button"
            className="btn"
            onClick={() => {
              setOauthError(null);
              connectOauth(provider).catch((e) => setOauthError(errorMessage(e)));
            }}
          >
            Connect {provider} (OAuth2)
          </button>
          {kinds.length > 0 && <span className="text-xs text-neutral-600 dark:text-neutral-400">or store a secret:</span>}
        </div>
      )}
      <FormError error={oauthError} />
      {kind && (
        <>
          <Input label="Title" value={title} onChange={setTitle} placeholder={`My ${provider} ${KIND_LABEL[kind].toLowerCase()}`} />
          {kind === "api_key" && <Input label="API key" type="password" value={key} onChange={setKey} />}
          {kind === "user_password" && (
            <>
              <Input label="Username" value={username} onChange={setUsername} />
              <Input label="Password" type="password" value={password} onChange={setPassword} />
            </>
          )}
          {kind === "host_scoped" && (
            <>
              <Input label="Host" value={host} onChange={setHost} placeholder="api.example.com" />
              <Headers rows={headers} onChange={setHeaders} />
            </>
          )}
          <FormError error={add.error ? errorMessage(add.error) : null} />
          <button type="submit" className="btn-primary self-start" disabled={add.isPending || !provider}>
            {add.isPending ? "Saving…" : "Save credential"}
          </button>
        </>
      )}
    </form>
  );
}
