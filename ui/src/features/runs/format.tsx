//! How runs read: durations, costs, values and status colours.
import type { Execution, ExecutionStatus } from "../../graph/types";

export function duration(run: Pick<Execution, "started_at" | "ended_at" | "created_at">): string {
  const start = run.started_at ?? run.created_at;
  if (!start) return "—";
  const end = run.ended_at ? Date.parse(run.ended_at) : Date.now();
  const ms = Math.max(0, end - Date.parse(start));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function cost(run: Pick<Execution, "stats">): string {
  const c = run.stats?.cost;
  return typeof c === "number" && c > 0 ? `${c} credits` : "free";
}

export function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

export const STATUS_CLASS: Record<ExecutionStatus, string> = {
  INCOMPLETE: "bg-neutral-200 text-neutral-800",
  QUEUED: "bg-neutral-200 text-neutral-800",
  RUNNING: "bg-blue-100 text-blue-900",
  REVIEW: "bg-amber-100 text-amber-900",
  COMPLETED: "bg-green-100 text-green-900",
  TERMINATED: "bg-red-100 text-red-900",
  FAILED: "bg-red-100 text-red-900",
};

export function StatusBadge({ status }: { status: ExecutionStatus | undefined }) {
  if (!status) return null;
  return (
    <span data-testid="run-status" className={`rounded px-2 py-0.5 text-xs font-semibold ${STATUS_CLASS[status]}`}>
      {status.toLowerCase()}
    </span>
  );
}
