//! Who is signed in, and the calls that change it: sign up, sign in, sign out, password
//! change. All ask for the cookie session (`"session": "cookie"`), so no token ever reaches
//! the page's script.
import { create } from "zustand";
import { ApiError, api, unwrap } from "../../api/client";
import { queryClient } from "../../api/queryClient";
import { onSignedOut } from "../../api/session";
import type { components } from "../../api/schema";

export type User = components["schemas"]["UserInfo"];

interface SessionState {
  /** `checking` until the server said who this is. */
  status: "checking" | "in" | "out";
  user: User | null;
}

export const useSession = create<SessionState>()(() => ({ status: "checking", user: null }));

// Set once this browser has signed in: a returning visitor gets the sign-in page, a new one
// the sign-up page when the server takes sign-ups.
const RETURNING = "agentry.returning";
export const isReturning = () => localStorage.getItem(RETURNING) === "1";

function signedIn(user: User) {
  queryClient.clear();
  localStorage.setItem(RETURNING, "1");
  useSession.setState({ status: "in", user });
}

function signedOutHere() {
  queryClient.clear();
  useSession.setState({ status: "out", user: null });
}
onSignedOut(signedOutHere);

/** Asks the server who is signed in (a 401 after a failed refresh signs out). */
export async function loadUser() {
  try {
    const user = (await unwrap(api.GET("/api/auth/user"))) as User;
    useSession.setState({ status: "in", user });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signedOutHere();
    else throw e;
  }
}

export async function signIn(email: string, password: string) {
  const s = await unwrap(api.POST("/api/auth/login", { body: { email, password, session: "cookie" } }));
  signedIn(s.user);
}

export async function signUp(email: string, password: string) {
  const s = await unwrap(api.POST("/api/auth/signup", { body: { email, password, session: "cookie" } }));
  signedIn(s.user);
}

export async function signOut(everywhere = false) {
  await unwrap(api.POST("/api/auth/logout", { body: { scope: everywhere ? "global" : "local" } }));
  signedOutHere();
}

export async function changePassword(current: string, next: string) {
  const s = await unwrap(
    api.POST("/api/auth/password", { body: { current_password: current, new_password: next, session: "cookie" } }),
  );
  useSession.setState({ status: "in", user: s.user });
}

export type SignupState = "open" | "closed" | "no_auth";

/** Whether this server takes sign-ups, without making an account: the server checks whether
 * sign-up is open before it checks the email, so an empty email answers `invalid_email` (400)
 * where sign-up is open (always so for the first account on a loopback server) and
 * `signup_closed` (403) where it is not; `--no-auth` answers `auth_disabled`. */
export async function probeSignup(): Promise<{ state: SignupState; message: string }> {
  try {
    await unwrap(api.POST("/api/auth/signup", { body: { email: "", password: "" } }));
    return { state: "open", message: "" };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.code === "invalid_email" || e.code === "weak_password") return { state: "open", message: "" };
    if (e.code === "auth_disabled") return { state: "no_auth", message: e.message };
    if (e.code === "signup_closed") return { state: "closed", message: e.message };
    throw e;
  }
}
