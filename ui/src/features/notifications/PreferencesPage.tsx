//! `/settings/notifications`: for each kind of event, in the app, also by email, or off; the
//! email digest (none, daily, weekly) and the daily cap of single emails.
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { FormError } from "../auth/AuthForm";
import { KIND_LABELS, PREFERENCES, type Channel, type Digest, type Preferences } from "./notifications";

const CHANNELS: { value: Channel; label: string }[] = [
  { value: "in_app", label: "In the app" },
  { value: "email", label: "In the app and by email" },
  { value: "off", label: "Off" },
];
const DIGESTS: { value: Digest; label: string }[] = [
  { value: "none", label: "No digest: each email at once" },
  { value: "daily", label: "Daily digest" },
  { value: "weekly", label: "Weekly digest" },
];

function Form({ saved }: { saved: Preferences }) {
  const client = useQueryClient();
  const [channels, setChannels] = useState(saved.channels);
  const [digest, setDigest] = useState<Digest>(saved.digest);
  const [cap, setCap] = useState(saved.daily_email_cap);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setChannels(saved.channels);
    setDigest(saved.digest);
    setCap(saved.daily_email_cap);
  }, [saved]);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(api.PUT("/api/notifications/preferences", { body: { channels, digest, daily_email_cap: cap } }));
      client.setQueryData(PREFERENCES, r);
      toast.info("Preferences saved");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form aria-label="Notification preferences" onSubmit={save} className="flex flex-col gap-4">
      {!saved.email_enabled && (
        <p role="note" className="rounded-md bg-amber-100 px-3 py-2 text-sm text-amber-950 dark:bg-amber-900 dark:text-amber-50">
          This server sends no email (no SMTP server is configured): &ldquo;by email&rdquo; shows in the app only.
        </p>
      )}
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 font-semibold">Tell me when</legend>
        {Object.keys(channels).map((kind) => (
          <div key={kind} className="flex flex-wrap items-center gap-2 text-sm">
            <label htmlFor={`channel-${kind}`} className="min-w-60 flex-1">{KIND_LABELS[kind] ?? kind}</label>
            <select
              id={`channel-${kind}`}
              className="input"
              value={channels[kind]}
              onChange={(e) => setChannels({ ...channels, [kind]: e.target.value as Channel })}
            >
              {CHANNELS.map((c) => (
                <option key={c.value} value={c.value}>{c.label}</option>
              ))}
            </select>
          </div>
        ))}
      </fieldset>
      <fieldset className="flex flex-col gap-2 text-sm">
        <legend className="mb-1 font-semibold">Email</legend>
        <label htmlFor="digest" className="font-medium">Digest</label>
        <select id="digest" className="input max-w-xs" value={digest} onChange={(e) => setDigest(e.target.value as Digest)}>
          {DIGESTS.map((d) => (
            <option key={d.value} value={d.value}>{d.label}</option>
          ))}
        </select>
        <label htmlFor="daily-cap" className="font-medium">Most single emails a day</label>
        <input
          id="daily-cap"
          type="number"
          min={0}
          className="input w-32"
          value={cap}
          onChange={(e) => setCap(Number(e.target.value))}
          aria-describedby="daily-cap-help"
        />
        <p id="daily-cap-help" className="text-xs text-neutral-600 dark:text-neutral-400">The rest wait for the next digest.</p>
      </fieldset>
      <FormError error={error} />
      <button type="submit" className="btn-primary self-start" disabled={busy}>{busy ? "Saving…" : "Save preferences"}</button>
    </form>
  );
}

export function PreferencesPage() {
  const prefs = useQuery({ queryKey: PREFERENCES, queryFn: () => unwrap(api.GET("/api/notifications/preferences")) });
  if (prefs.isLoading) return <Progress label="Loading your preferences…" />;
  if (prefs.error) return <p role="alert">{errorMessage(prefs.error)}</p>;
  return prefs.data ? <Form saved={prefs.data} /> : null;
}
