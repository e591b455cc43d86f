//! What an agent will be able to do, before anyone runs it: the credentials it asks for, where
//! it may connect, whether it runs code, sends email or waits for a person. Shown on a listing
//! before "Add to library" and to reviewers; a version that asks for more is flagged.
import type { Permissions } from "./storeApi";

export function PermissionsSummary({ permissions, title = "What this agent can do" }: { permissions: Permissions; title?: string }) {
  const { credentials: creds, outbound } = permissions;
  const flags = [
    permissions.runs_code && "runs code",
    permissions.sends_email && "sends email",
    permissions.needs_human_review && "stops for a person's review",
    permissions.sub_graphs > 0 && `uses ${permissions.sub_graphs} sub-agent${permissions.sub_graphs > 1 ? "s" : ""}`,
  ].filter((f): f is string => typeof f === "string");
  return (
    <section aria-label={title} className="flex flex-col gap-2 rounded-md border border-neutral-200 bg-white p-3 text-sm dark:border-neutral-700 dark:bg-neutral-900" data-testid="permissions">
      <h2 className="font-semibold">{title}</h2>
      {permissions.asks_more && (
        <p role="note" className="rounded bg-amber-100 px-2 py-1 text-amber-950 dark:bg-amber-900 dark:text-amber-50">
          This version asks for more than the previous approved one.
        </p>
      )}
      <div>
        <h3 className="text-xs font-medium uppercase text-neutral-600 dark:text-neutral-400">Credentials it asks you for</h3>
        {creds.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul className="list-disc pl-5">
            {creds.map((c) => (
              <li key={c.provider}>
                <strong>{c.provider}</strong>
                {c.types?.length ? ` (${c.types.join(", ")})` : ""}
                {c.scopes?.length ? ` · scopes ${c.scopes.join(", ")}` : ""}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h3 className="text-xs font-medium uppercase text-neutral-600 dark:text-neutral-400">Where it may connect</h3>
        {outbound.length === 0 ? (
          <p>Nowhere outside this server.</p>
        ) : (
          <ul className="list-disc pl-5">
            {outbound.map((o) => (
              <li key={o.kind}>
                {o.kind}: {(o.hosts ?? []).map((h) => (h === "*" ? "any host its inputs name" : h)).join(", ") || "—"}
              </li>
            ))}
          </ul>
        )}
      </div>
      <p>{flags.length ? `It ${flags.join(", ")}.` : "It runs no code, sends no email and needs no review."}</p>
    </section>
  );
}
