//! The user's credentials (metadata only: the server never sends a secret back), the providers
//! and kinds the blocks ask for, and the OAuth2 "connect" round trip.
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { useBlocks } from "../../api/queries";
import type { components } from "../../api/schema";
import { resolve } from "../../graph/pins";
import type { JsonSchema } from "../../graph/types";

export type Credential = components["schemas"]["CredentialsMetaResponse"];
export type CredentialKind = "api_key" | "oauth2" | "user_password" | "host_scoped";

export const KIND_LABEL: Record<string, string> = {
  api_key: "API key",
  oauth2: "OAuth2",
  user_password: "User and password",
  host_scoped: "Headers for a host",
};

export const CREDENTIALS = ["credentials"] as const;

export function useCredentials() {
  return useQuery({ queryKey: CREDENTIALS, queryFn: () => unwrap(api.GET("/api/integrations/credentials")) });
}

/** What a credentials input accepts: its providers and kinds (empty: any). */
export interface Wanted {
  providers: string[];
  types: CredentialKind[];
}

export function wantedBy(raw: JsonSchema): Wanted {
  const schema = resolve(raw);
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    providers: list(schema.credentials_provider ?? raw.credentials_provider),
    types: list(schema.credentials_types ?? raw.credentials_types) as CredentialKind[],
  };
}

export function fits(c: Credential, wanted: Wanted): boolean {
  return (
    (!wanted.providers.length || wanted.providers.includes(c.provider)) &&
    (!wanted.types.length || wanted.types.includes(c.type as CredentialKind))
  );
}

/** Every provider some block takes credentials of, with the kinds it accepts, by name. */
export function useProviders(): Map<string, Set<CredentialKind>> {
  const blocks = useBlocks();
  return useMemo(() => {
    const out = new Map<string, Set<CredentialKind>>();
    for (const b of blocks.data ?? []) {
      for (const s of Object.values(b.inputSchema.properties ?? {})) {
        const w = wantedBy(s);
        for (const p of w.providers) {
          const kinds = out.get(p) ?? new Set<CredentialKind>();
          w.types.forEach((t) => kinds.add(t));
          out.set(p, kinds);
        }
      }
    }
    return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
  }, [blocks.data]);
}

/** A credential as a node's or run's credentials input holds it. */
export function asInput(c: Credential) {
  return { id: c.id, provider: c.provider, type: c.type, title: c.title ?? null };
}

export function describe(c: Credential): string {
  const who = c.username ?? c.host ?? "";
  return [c.title || KIND_LABEL[c.type] || c.type, who && `(${who})`].filter(Boolean).join(" ");
}

// The OAuth2 round trip: the provider sends the user back to `/auth/integrations/oauth_callback`
// (the operator's `redirect_uri`), which finishes the login and tells the page that started it
// over a BroadcastChannel (the server's Cross-Origin-Opener-Policy cuts `window.opener` once
// the popup has visited the provider). Without a popup, the page itself goes and comes back.
const PENDING = "agentry.oauth.";
export const OAUTH_CHANNEL = "agentry-oauth";

export interface PendingLogin {
  provider: string;
  returnTo: string;
  popup: boolean;
}

export function pendingLogin(state: string): PendingLogin | null {
  const raw = localStorage.getItem(PENDING + state);
  if (!raw) return null;
  localStorage.removeItem(PENDING + state);
  return JSON.parse(raw) as PendingLogin;
}

/** Starts the login with the operator's default scopes for the provider. */
export async function connectOauth(provider: string) {
  const start = await unwrap(api.GET("/api/integrations/{provider}/login", { params: { path: { provider } } }));
  // Written before the provider can send anyone back.
  const remember = (popup: boolean) => {
    const pending: PendingLogin = { provider, returnTo: location.pathname + location.search, popup };
    localStorage.setItem(PENDING + start.state_token, JSON.stringify(pending));
  };
  remember(true);
  if (!window.open(start.login_url, "agentry-oauth", "popup,width=600,height=720")) {
    remember(false);
    location.assign(start.login_url);
  }
}
