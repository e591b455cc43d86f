//! The browser's session, in the server's cookie mode: the access and refresh tokens live in
//! HttpOnly cookies the page never reads; the readable `agentry_csrf` cookie is copied into
//! `X-CSRF-Token` on every change (double submit). A 401 spends the refresh cookie once for a
//! new session and repeats the request; when that fails too, the app is signed out and the
//! sign-in page takes over.
import type { Middleware } from "openapi-fetch";

const CSRF_COOKIE = "agentry_csrf";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
// A 401 from these means a wrong password or a dead refresh token, not an expired session.
const NO_RETRY = ["/api/auth/login", "/api/auth/signup", "/api/auth/refresh", "/api/auth/password", "/api/auth/logout"];

export function csrfToken(): string | undefined {
  for (const pair of document.cookie.split(";")) {
    const [name, ...value] = pair.trim().split("=");
    if (name === CSRF_COOKIE) return value.join("=") || undefined;
  }
  return undefined;
}

function withCsrf(request: Request): Request {
  if (SAFE.has(request.method)) return request;
  const token = csrfToken();
  if (token) request.headers.set("X-CSRF-Token", token);
  return request;
}

let signedOut: () => void = () => {};
/** What to do when the session is gone for good (the app shows the sign-in page). */
export function onSignedOut(handler: () => void) {
  signedOut = handler;
}

let refreshing: Promise<boolean> | null = null;
/** Trades the refresh cookie for a new session; concurrent callers share one attempt, as the
 * refresh token works only once. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch("/api/auth/refresh", { method: "POST", headers: csrfHeader() })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

function csrfHeader(): Record<string, string> {
  const token = csrfToken();
  return token ? { "X-CSRF-Token": token } : {};
}

// A copy of each request in flight, to send it again after a refresh (its body is spent).
const inFlight = new Map<string, Request>();

export const sessionMiddleware: Middleware = {
  onRequest({ request, id }) {
    const sent = withCsrf(request);
    inFlight.set(id, sent.clone());
    return sent;
  },
  async onResponse({ request, response, id }) {
    const copy = inFlight.get(id);
    inFlight.delete(id);
    if (response.status !== 401 || !copy) return undefined;
    if (NO_RETRY.includes(new URL(request.url).pathname)) return undefined;
    if (!(await refreshSession())) {
      signedOut();
      return undefined;
    }
    // The refresh set a new CSRF cookie: the copy needs the new value.
    const again = await fetch(withCsrf(new Request(copy)));
    if (again.status === 401) signedOut();
    return again;
  },
  onError({ id }) {
    inFlight.delete(id);
  },
};
