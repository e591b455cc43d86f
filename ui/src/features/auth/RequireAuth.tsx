//! Guards the app's pages: asks the server who is signed in, shows the page when someone is,
//! and sends the visitor to `/login` (back here afterwards) when no one is or the session ends.
import { useEffect, useState } from "react";
import { Navigate, useLocation } from "react-router";
import { errorMessage } from "../../api/client";
import { loadUser, useSession } from "./session";

export function RequireAuth({ children }: { children: React.ReactNode }) {
  const status = useSession((s) => s.status);
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (status === "checking") loadUser().catch((e) => setError(errorMessage(e)));
  }, [status]);
  if (status === "out") {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (status === "checking") {
    return error ? (
      <p role="alert" className="p-4">
        {error} <button type="button" className="underline" onClick={() => window.location.reload()}>Try again</button>
      </p>
    ) : (
      <p role="status" className="p-4">Loading…</p>
    );
  }
  return children;
}
