//! `/settings/profile`: who is signed in, the password change, and signing out here or on
//! every device.
import { useState } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "../../api/client";
import { toast } from "../../components/toast";
import { Field, FormError, useSubmit } from "../auth/AuthForm";
import { changePassword, signOut, useSession } from "../auth/session";

export function ProfilePage() {
  const user = useSession((s) => s.user);
  const navigate = useNavigate();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const { busy, error, setError, onSubmit } = useSubmit(async () => {
    if (next !== repeat) {
      setError("the two new passwords differ");
      return;
    }
    await changePassword(current, next);
    setCurrent("");
    setNext("");
    setRepeat("");
    toast.info("Password changed; other sessions are signed out.");
  });
  const out = async (everywhere: boolean) => {
    try {
      await signOut(everywhere);
      navigate("/login?returning=1", { replace: true });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  return (
    <div className="flex max-w-lg flex-col gap-6">
      <section className="flex flex-col gap-2" aria-labelledby="account-heading">
        <h2 id="account-heading" className="text-base font-semibold">Account</h2>
        <p className="text-sm" data-testid="account-email">
          {user?.email} <span className="ml-1 rounded bg-neutral-200 px-1.5 py-0.5 text-xs dark:bg-neutral-700">{user?.role}</span>
        </p>
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn" onClick={() => void out(false)}>Sign out</button>
          <button type="button" className="btn" onClick={() => void out(true)}>Sign out everywhere</button>
        </div>
      </section>
      <section className="flex flex-col gap-2" aria-labelledby="password-heading">
        <h2 id="password-heading" className="text-base font-semibold">Change password</h2>
        <form className="flex flex-col gap-3" onSubmit={onSubmit} aria-label="Change password">
          <Field id="pw-current" label="Current password" type="password" autoComplete="current-password" value={current} onChange={setCurrent} />
          <Field id="pw-new" label="New password" type="password" autoComplete="new-password" value={next} onChange={setNext} />
          <Field id="pw-repeat" label="New password again" type="password" autoComplete="new-password" value={repeat} onChange={setRepeat} />
          <FormError error={error} />
          <button type="submit" className="btn-primary self-start" disabled={busy}>{busy ? "Changing…" : "Change password"}</button>
        </form>
      </section>
    </div>
  );
}
