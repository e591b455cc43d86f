//! `/store/submissions`: the user's submissions with their status and the reviewer's comment;
//! a pending one can be edited or withdrawn; the creator profile is edited here too.
import { useState } from "react";
import { Link } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { CreatorProfileForm } from "./CreatorProfile";
import { PermissionsSummary } from "./Permissions";
import { useMySubmissions, type Submission } from "./storeApi";

const STATUS: Record<string, string> = {
  PENDING: "bg-amber-100 text-amber-950",
  APPROVED: "bg-green-100 text-green-950",
  REJECTED: "bg-red-100 text-red-950",
};

function Row({ s }: { s: Submission }) {
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(s.name);
  const [subHeading, setSubHeading] = useState(s.sub_heading);
  const [description, setDescription] = useState(s.description);
  const refresh = () => client.invalidateQueries({ queryKey: ["store"] });
  const save = async () => {
    try {
      await unwrap(api.PUT("/api/store/submissions/{submission_id}", { params: { path: { submission_id: s.store_listing_version_id } }, body: { name, sub_heading: subHeading, description } }));
      setEditing(false);
      toast.info("Saved");
      await refresh();
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const withdraw = async () => {
    if (!window.confirm(`Withdraw “${s.name}”?`)) return;
    try {
      await unwrap(api.DELETE("/api/store/submissions/{submission_id}", { params: { path: { submission_id: s.store_listing_version_id } } }));
      await refresh();
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const id = s.store_listing_version_id;
  return (
    <li className="flex flex-col gap-2 rounded-md border border-neutral-200 bg-white p-3 text-sm dark:border-neutral-700 dark:bg-neutral-900" data-testid="submission">
      <div className="flex flex-wrap items-center gap-2">
        <strong className="text-base">{s.name}</strong>
        <span className={`rounded px-2 text-xs font-medium ${STATUS[s.status] ?? "bg-neutral-200 text-neutral-900"}`} data-testid="submission-status">{s.status}</span>
        {s.takedown_reason && <span className="rounded bg-red-100 px-2 text-xs text-red-950">taken down</span>}
        <span className="text-xs text-neutral-600 dark:text-neutral-400">version {s.version} · graph v{s.agent_version} · {new Date(s.date_submitted).toLocaleString()}</span>
        {s.status === "PENDING" && (
          <span className="ml-auto flex gap-2">
            <button type="button" className="btn" onClick={() => setEditing((v) => !v)}>{editing ? "Cancel" : "Edit"}</button>
            <button type="button" className="btn" onClick={() => void withdraw()}>Withdraw</button>
          </span>
        )}
      </div>
      {s.review_comments && <p data-testid="review-comment"><span className="font-medium">Reviewer:</span> {s.review_comments}</p>}
      {s.takedown_reason && <p><span className="font-medium">Taken down:</span> {s.takedown_reason}</p>}
      {editing && (
        <form className="flex flex-col gap-2" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <label htmlFor={`n-${id}`} className="font-medium">Name</label>
          <input id={`n-${id}`} className="input" value={name} onChange={(e) => setName(e.target.value)} />
          <label htmlFor={`h-${id}`} className="font-medium">Sub-heading</label>
          <input id={`h-${id}`} className="input" value={subHeading} onChange={(e) => setSubHeading(e.target.value)} />
          <label htmlFor={`d-${id}`} className="font-medium">Description</label>
          <textarea id={`d-${id}`} className="input" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
          <button type="submit" className="btn-primary self-start">Save changes</button>
        </form>
      )}
      <details>
        <summary className="cursor-pointer">What it can do</summary>
        <PermissionsSummary permissions={s.permissions} />
      </details>
    </li>
  );
}

export function SubmissionsPage() {
  const subs = useMySubmissions();
  const [profileOpen, setProfileOpen] = useState(false);
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-3 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold">My submissions</h1>
        <Link className="btn-primary ml-auto" to="/store/submit">Submit an agent</Link>
      </div>
      {/* Asked for when opened: a user without a profile gets a 404 for it. */}
      <details onToggle={(e) => setProfileOpen((e.target as HTMLDetailsElement).open)}>
        <summary className="cursor-pointer text-sm">Your creator profile</summary>
        {profileOpen && <CreatorProfileForm />}
      </details>
      {subs.isLoading && <Progress label="Loading your submissions…" />}
      {subs.error && <p role="alert">{errorMessage(subs.error)}</p>}
      {subs.data && subs.data.submissions.length === 0 && <p className="text-sm">Nothing submitted yet.</p>}
      <ul className="flex flex-col gap-2">
        {(subs.data?.submissions ?? []).map((s) => (
          <Row key={s.store_listing_version_id} s={s} />
        ))}
      </ul>
    </div>
  );
}
