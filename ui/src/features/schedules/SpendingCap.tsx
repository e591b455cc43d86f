//! One schedule's spending cap: what its runs spent so far, and the most they may spend in all
//! (a run that would pass it stops before the node that would). Shown when the server keeps
//! credits; `null` on the server means no cap.
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { FormError } from "../auth/AuthForm";

type Cap = components["schemas"]["SpendingCap"];

const capKey = (scheduleId: string) => ["spending-cap", scheduleId] as const;

export function SpendingCap({ scheduleId, name }: { scheduleId: string; name: string }) {
  const client = useQueryClient();
  const cap = useQuery({
    queryKey: capKey(scheduleId),
    queryFn: () => unwrap(api.GET("/api/schedules/{schedule_id}/spending-cap", { params: { path: { schedule_id: scheduleId } } })),
  });
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (cap.data) setValue(cap.data.max_credits == null ? "" : String(cap.data.max_credits));
  }, [cap.data]);
  const put = async (max: number | null) => {
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(
        api.PUT("/api/schedules/{schedule_id}/spending-cap", { params: { path: { schedule_id: scheduleId } }, body: { max_credits: max } }),
      );
      client.setQueryData<Cap>(capKey(scheduleId), r);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  if (cap.error) return <p role="alert" className="w-full text-sm">{errorMessage(cap.error)}</p>;
  if (!cap.data) return null;
  const id = `cap-${scheduleId}`;
  return (
    <form
      aria-label={`Spending cap of ${name}`}
      className="flex w-full flex-wrap items-end gap-2 pl-2 text-sm"
      data-testid="spending-cap"
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = value.trim();
        if (trimmed === "") return void put(null);
        const n = Number(trimmed);
        if (!Number.isInteger(n) || n < 0) return setError("A cap is a whole number of credits, 0 or more.");
        void put(n);
      }}
    >
      <span data-testid="cap-state" className="text-neutral-700 dark:text-neutral-300">
        Spent {cap.data.spent} credits
        {cap.data.max_credits == null ? ", no cap" : ` of at most ${cap.data.max_credits}`}
      </span>
      <label htmlFor={id} className="sr-only">Cap for {name} (credits)</label>
      <input id={id} inputMode="numeric" className="input w-28" placeholder="no cap" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="btn" disabled={busy}>Set cap</button>
      {cap.data.max_credits != null && (
        <button type="button" className="btn-ghost" disabled={busy} onClick={() => void put(null)}>Remove cap</button>
      )}
      <FormError error={error} />
    </form>
  );
}
