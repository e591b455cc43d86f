//! `/login`: email and password. A browser that never signed in here goes to the sign-up page
//! when the server takes sign-ups (so a fresh server's first visit makes the admin).
import { useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { AuthCard, Field, FormError, nextPath, useSubmit } from "./AuthForm";
import { isReturning, probeSignup, signIn, useSession } from "./session";

export function useSignupState() {
  return useQuery({ queryKey: ["signup-state"], queryFn: probeSignup, staleTime: 30_000 });
}

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const status = useSession((s) => s.status);
  const signup = useSignupState();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const next = nextPath(params);
  const { busy, error, onSubmit } = useSubmit(async () => {
    await signIn(email, password);
    navigate(next, { replace: true });
  });
  if (status === "in") return <Navigate to={next} replace />;
  if (signup.data?.state === "no_auth") return <Navigate to="/" replace />;
  if (signup.data?.state === "open" && !isReturning() && !params.has("returning"))
    return <Navigate to={`/signup?${params}`} replace />;
  return (
    <AuthCard title="Sign in">
      <form className="flex flex-col gap-3" onSubmit={onSubmit} aria-label="Sign in">
        <Field id="login-email" label="Email" type="email" autoComplete="username" value={email} onChange={setEmail} />
        <Field id="login-password" label="Password" type="password" autoComplete="current-password" value={password} onChange={setPassword} />
        <FormError error={error} />
        <button type="submit" className="btn-primary justify-center py-1.5" disabled={busy || signup.isLoading}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {signup.data?.state === "open" && (
        <p className="text-sm">
          No account yet? <Link className="underline" to={`/signup?${params}`}>Create one</Link>
        </p>
      )}
    </AuthCard>
  );
}
