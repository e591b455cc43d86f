//! The store's server state: listings, a listing's detail, creators, the caller's submissions
//! and the admin queue, through the typed client. The server's OpenAPI document lists these
//! routes' query parameters as path parameters, and store and library operations share ids
//! (`get_agent`, `list_agents`), which mixes their generated types: those calls are cast.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type StoreAgent = components["schemas"]["StoreAgent"];
export type StoreAgentDetails = components["schemas"]["StoreAgentDetails"];
export type Permissions = components["schemas"]["PermissionsSummary"];
export type Submission = components["schemas"]["StoreSubmission"];
export type Pagination = components["schemas"]["Pagination"];

export const CATEGORIES = ["productivity", "writing", "research", "marketing", "data", "developer", "fun"];
export const SORTS = [
  { value: "rating", label: "Top rated" },
  { value: "runs", label: "Most runs" },
  { value: "updated_at", label: "Newest" },
];

export interface Browse {
  search_query?: string;
  category?: string;
  featured?: boolean;
  creator?: string;
  sorted_by?: string;
  page?: number;
  page_size?: number;
}

export function useListings(q: Browse) {
  return useQuery({
    queryKey: ["store", "agents", q],
    queryFn: async () =>
      (await unwrap(api.GET("/api/store/agents", { params: { query: q } as never }))) as unknown as components["schemas"]["StoreAgentsResponse"],
  });
}

export function useListing(username: string | undefined, agent: string | undefined) {
  return useQuery({
    queryKey: ["store", "agent", username, agent],
    queryFn: async () =>
      (await unwrap(
        api.GET("/api/store/agents/{username}/{agent_name}", { params: { path: { username: username!, agent_name: agent! } } } as never),
      )) as unknown as StoreAgentDetails,
    enabled: !!username && !!agent,
  });
}

export function useCreator(username: string | undefined) {
  return useQuery({
    queryKey: ["store", "creator", username],
    queryFn: () => unwrap(api.GET("/api/store/creator/{username}", { params: { path: { username: username! } } })),
    enabled: !!username,
  });
}

export function useMySubmissions() {
  return useQuery({
    queryKey: ["store", "submissions"],
    queryFn: () => unwrap(api.GET("/api/store/submissions", { params: { query: { page: 1, page_size: 100 } } as never })),
  });
}

export function useAdminListings(status: string, page: number) {
  return useQuery({
    queryKey: ["store", "admin", status, page],
    queryFn: () =>
      unwrap(api.GET("/api/store/admin/listings", { params: { query: { status: status || undefined, page, page_size: 20 } } as never })),
  });
}

/** Uploads an image's bytes; the server checks its type and size and says what is wrong. */
export async function uploadImage(file: File): Promise<string> {
  const r = await unwrap(
    api.POST("/api/store/submissions/media", {
      body: (await file.arrayBuffer()) as never,
      bodySerializer: (b: unknown) => b as BodyInit,
      headers: { "Content-Type": "application/octet-stream" },
    } as never),
  );
  return (r as { url: string }).url;
}
