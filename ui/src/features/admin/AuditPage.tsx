//! `/admin/audit`: the audit log, newest first, filtered by action, outcome and account, a page
//! at a time ("Older entries" follows the server's cursor). Accounts show by email.
import { useState } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { FormError } from "../auth/AuthForm";
import { when } from "../settings/format";

type Event = components["schemas"]["AuditEventView"];

// The actions the server records; the filter also takes any other.
const ACTIONS = [
  "sign_up", "sign_in", "sign_out", "sign_out_everywhere", "password_change", "api_key_create", "api_key_revoke",
  "credential_create", "credential_delete", "role_change", "user_disable", "user_enable", "oidc_link", "admin_action",
];

function details(e: Event): string {
  if (!e.details || typeof e.details !== "object") return "";
  return Object.entries(e.details)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

export function AuditPage() {
  const [action, setAction] = useState("");
  const [outcome, setOutcome] = useState("");
  const [userId, setUserId] = useState("");
  const users = useQuery({ queryKey: ["admin", "users"], queryFn: () => unwrap(api.GET("/api/admin/users")) });
  const email = new Map((users.data ?? []).map((u) => [u.id, u.email]));
  const log = useInfiniteQuery({
    queryKey: ["admin", "audit", action, outcome, userId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/admin/audit", {
          params: { query: { limit: 50, cursor: pageParam, action: action || undefined, outcome: outcome || undefined, user_id: userId || undefined } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const events = log.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <section aria-labelledby="audit-heading" className="flex flex-col gap-3">
      <h2 id="audit-heading" className="text-base font-semibold">Audit log</h2>
      <form className="flex flex-wrap items-end gap-3" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <label className="flex flex-col gap-1 text-sm">
          Action
          <input className="input" list="audit-actions" value={action} onChange={(e) => setAction(e.target.value.trim())} placeholder="any" />
          <datalist id="audit-actions">
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Outcome
          <select className="input" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Account
          <select className="input" value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">any</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>{u.email}</option>
            ))}
          </select>
        </label>
      </form>
      {log.isPending && <p role="status">Loading…</p>}
      {log.error && <FormError error={errorMessage(log.error)} />}
      {log.data && events.length === 0 && <p className="text-sm">No entries.</p>}
      {events.length > 0 && (
        <div tabIndex={0} role="region" aria-label="Audit log entries" className="relative overflow-x-auto rounded-md border border-neutral-200 bg-white dark:border-neutral-700 dark:bg-neutral-900">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-neutral-600 dark:text-neutral-400">
              <tr>
                <th className="px-3 py-2 font-medium">When</th>
                <th className="px-3 py-2 font-medium">Action</th>
                <th className="px-3 py-2 font-medium">By</th>
                <th className="hidden px-3 py-2 font-medium md:table-cell">On</th>
                <th className="hidden px-3 py-2 font-medium md:table-cell">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-testid="audit-event" data-action={e.action} className="border-t border-neutral-200 align-top dark:border-neutral-700">
                  <td className="whitespace-nowrap px-3 py-2 text-xs">{when(e.at)}</td>
                  <td className="px-3 py-2">
                    {e.action}{" "}
                    {e.outcome !== "success" && <span className="rounded bg-red-100 px-1 text-xs text-red-900 dark:bg-red-900 dark:text-red-100">{e.outcome}</span>}
                  </td>
                  <td className="px-3 py-2 text-xs">{e.actor_user_id ? (email.get(e.actor_user_id) ?? e.actor_user_id) : "—"}{e.ip ? ` · ${e.ip}` : ""}</td>
                  <td className="hidden px-3 py-2 text-xs md:table-cell">
                    {e.target_type ? `${e.target_type} ${e.target_type === "user" ? (email.get(e.target_id ?? "") ?? e.target_id) : (e.target_id ?? "")}` : ""}
                  </td>
                  <td className="hidden break-all px-3 py-2 text-xs md:table-cell">{details(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <button type="button" className="btn self-start" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          {log.isFetchingNextPage ? "Loading…" : "Older entries"}
        </button>
      )}
    </section>
  );
}
