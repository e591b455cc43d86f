//! `/admin/reviews`: the store's review queue (pending first; approved and rejected on a
//! filter) and `/admin/reviews/:id`, one submission: the graph read-only, its permissions
//! summary, what changed since the previous approved version, earlier decisions, and approve
//! or reject with a comment for the creator and an internal note; an approved version can be
//! taken down with a reason.
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { FormError } from "../auth/AuthForm";
import { Pager } from "./Listings";
import { PermissionsSummary } from "./Permissions";
import { ReviewGraph } from "./ReviewGraph";
import { useAdminListings } from "./storeApi";

type Details = components["schemas"]["AdminSubmissionDetails"];

export function ReviewQueuePage() {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "PENDING";
  const page = Number(params.get("page") ?? 1);
  const list = useAdminListings(status, page);
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor="review-status" className="text-sm font-medium">Show</label>
        <select id="review-status" className="input" value={status} onChange={(e) => setParams({ status: e.target.value })}>
          <option value="PENDING">Waiting for review</option>
          <option value="APPROVED">Approved</option>
          <option value="REJECTED">Rejected</option>
          <option value="">All</option>
        </select>
      </div>
      {list.isLoading && <Progress label="Loading the queue…" />}
      {list.error && <p role="alert">{errorMessage(list.error)}</p>}
      {list.data && list.data.submissions.length === 0 && <p className="text-sm">Nothing here.</p>}
      <ul className="flex flex-col divide-y divide-neutral-200 rounded-md border border-neutral-200 bg-white dark:divide-neutral-700 dark:border-neutral-700 dark:bg-neutral-900">
        {(list.data?.submissions ?? []).map((s) => (
          <li key={s.store_listing_version_id} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm" data-testid="review-item">
            <Link className="font-medium text-indigo-800 underline dark:text-indigo-300" to={`/admin/reviews/${s.store_listing_version_id}`}>{s.name}</Link>
            <span>{s.status}</span>
            {s.permissions.asks_more && <span className="rounded bg-amber-100 px-2 text-xs text-amber-950">asks for more</span>}
            <span className="ml-auto text-xs text-neutral-600 dark:text-neutral-400">version {s.version} · {new Date(s.date_submitted).toLocaleString()}</span>
          </li>
        ))}
      </ul>
      {list.data && <Pager pagination={list.data.pagination} onPage={(p) => setParams({ status, page: String(p) })} />}
    </div>
  );
}

function Diff({ diff }: { diff: NonNullable<Details["diff"]> }) {
  const list = (m: Record<string, number>) => Object.entries(m).map(([b, n]) => `${b} ×${n}`).join(", ") || "none";
  return (
    <section aria-label="Changes since the previous approved version" className="rounded-md border border-neutral-200 bg-white p-3 text-sm dark:border-neutral-700 dark:bg-neutral-900" data-testid="review-diff">
      <h2 className="font-semibold">Since the approved graph version {diff.previous_graph_version}</h2>
      <p>Blocks added: {list(diff.blocks_added)}</p>
      <p>Blocks removed: {list(diff.blocks_removed)}</p>
      <p>Links: {diff.links_before} → {diff.links_now}</p>
      {diff.asks_more.length > 0 && <p className="text-amber-800 dark:text-amber-300">Asks for more: {diff.asks_more.join("; ")}</p>}
    </section>
  );
}

export function ReviewDetailPage() {
  const { id } = useParams();
  const client = useQueryClient();
  const details = useQuery({
    queryKey: ["store", "admin", "submission", id],
    queryFn: () => unwrap(api.GET("/api/store/admin/submissions/{store_listing_version_id}", { params: { path: { store_listing_version_id: id! } } })),
  });
  const [comment, setComment] = useState("");
  const [note, setNote] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (details.isLoading) return <Progress label="Loading the submission…" />;
  if (details.error) return <p role="alert">{errorMessage(details.error)}</p>;
  const d = details.data!;
  const s = d.submission;
  const act = async (call: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await call();
      toast.info(done);
      await client.invalidateQueries({ queryKey: ["store"] });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const path = { store_listing_version_id: s.store_listing_version_id };
  const review = (is_approved: boolean) =>
    act(
      () => unwrap(api.POST("/api/store/admin/submissions/{store_listing_version_id}/review", { params: { path }, body: { is_approved, comments: comment || null, internal_comments: note || null } })),
      is_approved ? "Approved and published" : "Rejected: the creator sees your comment",
    );
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm"><Link className="underline" to="/admin/reviews">Review queue</Link> › {s.name}</p>
      <div>
        <h2 className="text-lg font-semibold">{s.name} <span className="text-sm font-normal">({s.status})</span></h2>
        <p>{s.sub_heading}</p>
        <p className="text-xs text-neutral-600 dark:text-neutral-400">
          listing version {s.version} · graph {s.agent_id.slice(0, 8)} v{s.agent_version} · submitted {new Date(s.date_submitted).toLocaleString()}
          {s.categories.length > 0 && ` · ${s.categories.join(", ")}`}
        </p>
      </div>
      {s.description && <p className="whitespace-pre-wrap text-sm">{s.description}</p>}
      {s.instructions && <p className="whitespace-pre-wrap text-sm"><span className="font-medium">Instructions:</span> {s.instructions}</p>}
      {s.changes_summary && <p className="text-sm"><span className="font-medium">Changes:</span> {s.changes_summary}</p>}
      {s.image_urls.length > 0 && (
        <div className="flex flex-wrap gap-2">{s.image_urls.map((u) => <img key={u} src={u} alt="submitted" className="h-24 rounded border object-cover" />)}</div>
      )}
      <PermissionsSummary permissions={s.permissions} />
      {d.diff ? <Diff diff={d.diff} /> : <p className="text-sm">The listing's first version: nothing to compare with.</p>}
      <ReviewGraph graph={d.graph} />
      {d.decisions.length > 0 && (
        <section className="text-sm">
          <h2 className="font-semibold">Decisions</h2>
          <ul className="list-disc pl-5">
            {d.decisions.map((x, i) => (
              <li key={i}>
                {new Date(x.decided_at).toLocaleString()} · {x.action} by {x.reviewer_id.slice(0, 8)}
                {x.comment && ` · “${x.comment}”`}
                {x.internal_note && ` · note: ${x.internal_note}`}
              </li>
            ))}
          </ul>
        </section>
      )}
      {d.internal_comments && <p className="text-sm"><span className="font-medium">Internal note:</span> {d.internal_comments}</p>}
      {s.status === "PENDING" && (
        <form className="flex flex-col gap-2" aria-label="Decide" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor="review-comment" className="text-sm font-medium">Comment for the creator</label>
          <textarea id="review-comment" className="input" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          <label htmlFor="review-note" className="text-sm font-medium">Internal note (admins only)</label>
          <textarea id="review-note" className="input" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          <FormError error={error} />
          <div className="flex gap-2">
            <button type="button" className="btn-primary" disabled={busy} onClick={() => void review(true)}>Approve</button>
            <button type="button" className="btn" disabled={busy} onClick={() => void review(false)}>Reject</button>
          </div>
        </form>
      )}
      {s.status === "APPROVED" && !s.takedown_reason && (
        <form
          className="flex flex-col gap-2"
          aria-label="Take down"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => unwrap(api.POST("/api/store/admin/submissions/{store_listing_version_id}/take-down", { params: { path }, body: { reason } })), "Taken down");
          }}
        >
          <label htmlFor="takedown-reason" className="text-sm font-medium">Reason to take it down</label>
          <input id="takedown-reason" className="input" required value={reason} onChange={(e) => setReason(e.target.value)} />
          <FormError error={error} />
          <button type="submit" className="btn self-start" disabled={busy}>Take down</button>
        </form>
      )}
      {s.takedown_reason && <p className="text-sm text-red-700 dark:text-red-300">Taken down: {s.takedown_reason}</p>}
    </div>
  );
}
