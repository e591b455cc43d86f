//! How the settings and admin pages write times: a short local date and time.
const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function when(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : FORMAT.format(t);
}
