//! What a long operation is doing, so the page never looks frozen: a labelled progress bar,
//! determinate when the work can be counted ("Drawing 120 of 300 nodes"), moving otherwise.
export function Progress({ label, value, max, className = "" }: { label: string; value?: number; max?: number; className?: string }) {
  const counted = value !== undefined && max !== undefined && max > 0;
  const pct = counted ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div className={`flex flex-col gap-1 ${className}`} data-testid="progress">
      <span className="text-sm" aria-live="polite">{label}</span>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={counted ? 0 : undefined}
        aria-valuemax={counted ? max : undefined}
        aria-valuenow={counted ? value : undefined}
        className="h-1.5 w-full max-w-xs overflow-hidden rounded bg-neutral-200 dark:bg-neutral-700"
      >
        <div
          className={`h-full rounded bg-indigo-600 ${counted ? "" : "w-1/3 animate-pulse"}`}
          style={counted ? { width: `${pct}%` } : undefined}
        />
      </div>
    </div>
  );
}
