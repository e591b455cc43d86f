//! `/store/submit`: submit one of the user's graph versions to the store — name, slug,
//! sub-heading, description, instructions, an output example, categories, images (uploaded to
//! the server, which checks their type and size and says what is wrong) and a video link.
//! The server refuses a graph that cannot run or whose nodes hold secrets, naming them.
import { useState } from "react";
import { useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { useGraphs, useVersions } from "../../api/queries";
import { Progress } from "../../components/Progress";
import { FormError } from "../auth/AuthForm";
import { CreatorProfileForm, useStoreProfile } from "./CreatorProfile";
import { CATEGORIES, uploadImage } from "./storeApi";

const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">{label}</label>
      {children}
    </div>
  );
}

export function SubmitPage() {
  const profile = useStoreProfile();
  if (profile.isLoading) return <Progress className="p-4" label="Loading your creator profile…" />;
  if (profile.error) return <p role="alert" className="p-4">{errorMessage(profile.error)}</p>;
  if (!profile.data) {
    return (
      <div className="mx-auto flex max-w-2xl flex-col gap-3 p-4">
        <h1 className="text-xl font-semibold">Submit an agent to the store</h1>
        <p className="text-sm">The store lists agents under their creator's username: make your creator profile first.</p>
        <CreatorProfileForm />
      </div>
    );
  }
  return <SubmitForm />;
}

function SubmitForm() {
  const graphs = useGraphs();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [graphId, setGraphId] = useState("");
  const versions = useVersions(graphId || undefined);
  const [version, setVersion] = useState<number | "">("");
  const [form, setForm] = useState({ name: "", slug: "", sub_heading: "", description: "", instructions: "", agent_output_demo_url: "", video_url: "", changes_summary: "" });
  const [categories, setCategories] = useState<string[]>([]);
  const [images, setImages] = useState<string[]>([]);
  const [uploading, setUploading] = useState<string | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const chosenVersion = version || versions.data?.find((v) => v.is_active)?.version || versions.data?.[0]?.version;
  const upload = async (files: FileList | null) => {
    setImageError(null);
    for (const file of Array.from(files ?? [])) {
      setUploading(`Uploading ${file.name} (${Math.round(file.size / 1024)} KB)…`);
      try {
        const url = await uploadImage(file);
        setImages((xs) => [...xs, url]);
      } catch (e) {
        setImageError(`${file.name}: ${errorMessage(e)}`);
      } finally {
        setUploading(null);
      }
    }
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!graphId || !chosenVersion) return setError("Choose an agent and a version.");
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST("/api/store/submissions", {
          body: {
            agent_id: graphId,
            agent_version: chosenVersion,
            ...form,
            slug: form.slug || slugOf(form.name),
            video_url: form.video_url || null,
            categories,
            image_urls: images,
          },
        }),
      );
      void client.invalidateQueries({ queryKey: ["store"] });
      navigate("/store/submissions");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form aria-label="Submit an agent" className="mx-auto flex max-w-2xl flex-col gap-3 p-4" onSubmit={submit}>
      <h1 className="text-xl font-semibold">Submit an agent to the store</h1>
      <p className="text-sm text-neutral-600 dark:text-neutral-400">An administrator reviews it before it is published; you can edit or withdraw it until then.</p>
      <Field id="sub-graph" label="Agent">
        <select id="sub-graph" className="input" required value={graphId} onChange={(e) => { setGraphId(e.target.value); setVersion(""); const g = graphs.data?.find((x) => x.id === e.target.value); if (g && !form.name) setForm((f) => ({ ...f, name: g.name, description: f.description || g.description })); }}>
          <option value="">Choose one of your agents</option>
          {(graphs.data ?? []).map((g) => (
            <option key={g.id} value={g.id}>{g.name}</option>
          ))}
        </select>
      </Field>
      {graphId && (
        <Field id="sub-version" label="Version">
          <select id="sub-version" className="input" value={chosenVersion ?? ""} onChange={(e) => setVersion(Number(e.target.value))}>
            {(versions.data ?? []).map((v) => (
              <option key={v.version} value={v.version}>Version {v.version}{v.is_active ? " (active)" : ""}</option>
            ))}
          </select>
        </Field>
      )}
      <Field id="sub-name" label="Name"><input id="sub-name" className="input" required value={form.name} onChange={set("name")} /></Field>
      <Field id="sub-slug" label="Address (slug)"><input id="sub-slug" className="input" value={form.slug} placeholder={slugOf(form.name) || "my-agent"} onChange={set("slug")} /></Field>
      <Field id="sub-sub" label="Sub-heading"><input id="sub-sub" className="input" value={form.sub_heading} onChange={set("sub_heading")} /></Field>
      <Field id="sub-desc" label="Description"><textarea id="sub-desc" className="input" rows={4} value={form.description} onChange={set("description")} /></Field>
      <Field id="sub-instr" label="Instructions"><textarea id="sub-instr" className="input" rows={3} value={form.instructions} onChange={set("instructions")} /></Field>
      <Field id="sub-demo" label="Example of its output"><textarea id="sub-demo" className="input" rows={2} value={form.agent_output_demo_url} onChange={set("agent_output_demo_url")} /></Field>
      <fieldset className="flex flex-col gap-1">
        <legend className="text-sm font-medium">Categories</legend>
        <div className="flex flex-wrap gap-3">
          {CATEGORIES.map((c) => (
            <label key={c} className="flex items-center gap-1 text-sm">
              <input type="checkbox" className="accent-indigo-600" checked={categories.includes(c)} onChange={(e) => setCategories((xs) => (e.target.checked ? [...xs, c] : xs.filter((x) => x !== c)))} />
              {c}
            </label>
          ))}
        </div>
      </fieldset>
      <Field id="sub-images" label="Images (PNG, JPEG, GIF or WebP)">
        <input id="sub-images" type="file" multiple accept="image/*" className="text-sm" onChange={(e) => { void upload(e.target.files); e.target.value = ""; }} />
      </Field>
      {uploading && <Progress label={uploading} />}
      {imageError && <p role="alert" className="text-sm text-red-700 dark:text-red-300" data-testid="image-error">{imageError}</p>}
      {images.length > 0 && (
        <ul className="flex flex-wrap gap-2">
          {images.map((src) => (
            <li key={src} className="flex flex-col items-center gap-1">
              <img src={src} alt="uploaded" className="h-20 rounded border object-cover" />
              <button type="button" className="btn-ghost text-xs" onClick={() => setImages((xs) => xs.filter((x) => x !== src))}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <Field id="sub-video" label="Video link"><input id="sub-video" type="url" className="input" value={form.video_url} onChange={set("video_url")} /></Field>
      <Field id="sub-changes" label="What changed (for a new version)"><input id="sub-changes" className="input" value={form.changes_summary} onChange={set("changes_summary")} /></Field>
      <FormError error={error} />
      {busy && <Progress label="Checking the agent and submitting…" />}
      <button type="submit" className="btn-primary self-start" disabled={busy || !!uploading}>Submit for review</button>
    </form>
  );
}
