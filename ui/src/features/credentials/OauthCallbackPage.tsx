//! `/auth/integrations/oauth_callback`: where a provider sends the user back after an OAuth2
//! login (the operator's `redirect_uri`). Hands the code and state to the server, which stores
//! the tokens as a new credential, then tells the page that started the login (in a popup) or
//! goes back to it (without one).
import { useEffect, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { api, errorMessage, unwrap } from "../../api/client";
import { AuthCard, FormError } from "../auth/AuthForm";
import { OAUTH_CHANNEL, pendingLogin } from "./credentials";

export function OauthCallbackPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const started = useRef(false);
  useEffect(() => {
    // The state is single use: a second effect run (StrictMode) must not spend it again.
    if (started.current) return;
    started.current = true;
    const state = params.get("state") ?? "";
    const code = params.get("code");
    const refused = params.get("error_description") ?? params.get("error");
    const pending = pendingLogin(state);
    if (refused) return setError(`The provider refused: ${refused}`);
    if (!code || !pending) return setError("This sign-in with the provider was not started here, or was already finished.");
    unwrap(api.POST("/api/integrations/{provider}/callback", { params: { path: { provider: pending.provider } }, body: { code, state_token: state } }))
      .then((credential) => {
        const channel = new BroadcastChannel(OAUTH_CHANNEL);
        channel.postMessage({ credential });
        channel.close();
        if (pending.popup) {
          setDone(true);
          window.close();
        } else {
          navigate(pending.returnTo, { replace: true });
        }
      })
      .catch((e) => setError(errorMessage(e)));
  }, [params, navigate]);
  return (
    <AuthCard title="Connecting">
      {!error && !done && <p role="status">Finishing the sign-in with the provider…</p>}
      {done && <p role="status">Connected. You can close this window.</p>}
      <FormError error={error} />
      {error && <a className="underline" href="/settings/credentials">Back to the credentials</a>}
    </AuthCard>
  );
}
