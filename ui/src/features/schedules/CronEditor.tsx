//! A cron editor: common patterns one click away, the pattern in words, and the next five
//! runs in the user's time zone (the zone the schedule is saved with).
import { useId, useMemo } from "react";
import { CronExpressionParser } from "cron-parser";
import cronstrue from "cronstrue";

export const PRESETS: [string, string][] = [
  ["Every hour", "0 * * * *"],
  ["Every day at 9:00", "0 9 * * *"],
  ["Weekdays at 9:00", "0 9 * * 1-5"],
  ["Every Monday at 8:00", "0 8 * * 1"],
  ["First of the month", "0 0 1 * *"],
];

export function userTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** The pattern in words and its next `count` times, or the reason it is not a valid pattern. */
export function describeCron(cron: string, tz: string, count = 5, from = new Date()) {
  if (cron.trim().split(/\s+/).length !== 5) {
    return { error: "A pattern has five fields: minute hour day-of-month month day-of-week" };
  }
  try {
    const next = CronExpressionParser.parse(cron, { tz, currentDate: from }).take(count).map((d) => d.toDate());
    return { words: cronstrue.toString(cron, { use24HourTimeFormat: true }), next };
  } catch (e) {
    return { error: `Not a valid pattern: ${(e as Error).message}` };
  }
}

export function CronEditor({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const id = useId();
  const tz = userTimeZone();
  const info = useMemo(() => describeCron(value, tz), [value, tz]);
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: tz });
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor={id} className="text-sm font-medium">Cron pattern</label>
      <input id={id} className="input font-mono" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-info`} />
      <div className="flex flex-wrap gap-1">
        {PRESETS.map(([label, cron]) => (
          <button key={cron} type="button" className="btn-ghost text-xs" onClick={() => onChange(cron)}>
            {label}
          </button>
        ))}
      </div>
      <div id={`${id}-info`} className="text-sm" aria-live="polite">
        {"error" in info ? (
          <p className="text-red-700 dark:text-red-400">{info.error}</p>
        ) : (
          <>
            <p>{info.words}</p>
            <p className="text-xs text-neutral-600 dark:text-neutral-400">Next runs ({tz}):</p>
            <ol className="list-inside list-decimal text-xs" data-testid="next-runs">
              {info.next!.map((d) => <li key={d.toISOString()}>{fmt.format(d)}</li>)}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
