//! `/signup`: makes an account and signs it in. The server's first account becomes its
//! administrator; later ones need sign-up to be open (`[auth] allow_signup`).
import { useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { AuthCard, Field, FormError, nextPath, useSubmit } from "./AuthForm";
import { useSignupState } from "./LoginPage";
import { signUp, useSession } from "./session";

export function SignupPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const status = useSession((s) => s.status);
  const signup = useSignupState();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const next = nextPath(params);
  const { busy, error, setError, onSubmit } = useSubmit(async () => {
    if (password !== repeat) {
      setError("the two passwords differ");
      return;
    }
    await signUp(email, password);
    navigate(next, { replace: true });
  });
  if (status === "in") return <Navigate to={next} replace />;
  if (signup.data?.state === "no_auth") return <Navigate to="/" replace />;
  const signInLink = `/login?${new URLSearchParams([...params, ["returning", "1"]])}`;
  return (
    <AuthCard title="Create an account">
      {signup.data?.state === "closed" ? (
        <p role="alert" className="text-sm">{signup.data.message}</p>
      ) : (
        <form className="flex flex-col gap-3" onSubmit={onSubmit} aria-label="Create an account">
          <p className="text-sm text-neutral-600 dark:text-neutral-400">
            On a new server the first account becomes its administrator.
          </p>
          <Field id="signup-email" label="Email" type="email" autoComplete="username" value={email} onChange={setEmail} />
          <Field id="signup-password" label="Password" type="password" autoComplete="new-password" value={password} onChange={setPassword} />
          <Field id="signup-repeat" label="Password again" type="password" autoComplete="new-password" value={repeat} onChange={setRepeat} />
          <FormError error={error} />
          <button type="submit" className="btn-primary justify-center py-1.5" disabled={busy}>
            {busy ? "Creating…" : "Create account"}
          </button>
        </form>
      )}
      <p className="text-sm">
        Have an account? <Link className="underline" to={signInLink}>Sign in</Link>
      </p>
    </AuthCard>
  );
}
