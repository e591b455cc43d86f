//! The user's creator profile (username, name, description, links, avatar): the store shows
//! listings under the username, so a profile comes before the first submission.
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, errorMessage, unwrap } from "../../api/client";
import { toast } from "../../components/toast";
import { FormError } from "../auth/AuthForm";
import { uploadImage } from "./storeApi";

export const PROFILE = ["store", "profile"] as const;

/** The caller's profile, or null when they have none yet. */
export function useStoreProfile() {
  return useQuery({
    queryKey: PROFILE,
    queryFn: async () => {
      try {
        return await unwrap(api.GET("/api/store/profile"));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    retry: false,
  });
}

export function CreatorProfileForm({ onSaved }: { onSaved?: () => void }) {
  const profile = useStoreProfile();
  const client = useQueryClient();
  const [username, setUsername] = useState("");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [links, setLinks] = useState("");
  const [avatar, setAvatar] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const p = profile.data;
    if (!p) return;
    setUsername(p.username);
    setName(p.name);
    setDescription(p.description ?? "");
    setLinks((p.links ?? []).join("\n"));
    setAvatar(p.avatar_url ?? null);
  }, [profile.data]);
  return (
    <form
      aria-label="Creator profile"
      className="flex flex-col gap-2 rounded-md border border-neutral-200 bg-white p-3 dark:border-neutral-700 dark:bg-neutral-900"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          await unwrap(
            api.POST("/api/store/profile", {
              body: { username, name, description, links: links.split(/\s+/).filter(Boolean), avatar_url: avatar },
            }),
          );
          await client.invalidateQueries({ queryKey: PROFILE });
          toast.info("Profile saved");
          onSaved?.();
        } catch (err) {
          setError(errorMessage(err));
        }
      }}
    >
      <h2 className="font-semibold">Your creator profile</h2>
      <label htmlFor="prof-username" className="text-sm font-medium">Username</label>
      <input id="prof-username" className="input" required pattern="[a-z0-9_\-]{3,40}" value={username} onChange={(e) => setUsername(e.target.value)} placeholder="lowercase, 3 to 40 letters" />
      <label htmlFor="prof-name" className="text-sm font-medium">Display name</label>
      <input id="prof-name" className="input" required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="prof-desc" className="text-sm font-medium">About you</label>
      <textarea id="prof-desc" className="input" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      <label htmlFor="prof-links" className="text-sm font-medium">Links (one a line)</label>
      <textarea id="prof-links" className="input" rows={2} value={links} onChange={(e) => setLinks(e.target.value)} />
      <label htmlFor="prof-avatar" className="text-sm font-medium">Avatar</label>
      <input
        id="prof-avatar"
        type="file"
        accept="image/*"
        className="text-sm"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (!f) return;
          try {
            setAvatar(await uploadImage(f));
          } catch (err) {
            setError(`${f.name}: ${errorMessage(err)}`);
          }
        }}
      />
      {avatar && <img src={avatar} alt="your avatar" className="h-12 w-12 rounded-full object-cover" />}
      <FormError error={error} />
      <button type="submit" className="btn-primary self-start">Save profile</button>
    </form>
  );
}
