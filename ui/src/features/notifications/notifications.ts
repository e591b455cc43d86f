//! The caller's notifications: the newest page with the unread count (react-query), marking
//! read, the preferences, and the one app-wide WebSocket that pushes new ones as they happen.
import { useEffect } from "react";
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type Notification = components["schemas"]["NotificationView"];
export type NotificationPage = components["schemas"]["NotificationsResponse"];
export type Preferences = components["schemas"]["PreferencesResponse"];
export type Channel = components["schemas"]["Channel"];
export type Digest = components["schemas"]["Digest"];

export const NOTIFICATIONS = ["notifications"] as const;
export const PREFERENCES = ["notification-preferences"] as const;

/** The newest notifications with the unread count; the bell and the page share it. */
export function useNotifications() {
  return useQuery({
    queryKey: NOTIFICATIONS,
    queryFn: () => unwrap(api.GET("/api/notifications", { params: { query: { limit: 50 } } })),
  });
}

/** Puts a pushed notification at the top of the cached page, once, and counts it unread. A read
 * of the list in flight may have been answered before this one was stored, and would put back a
 * page without it: the list is then read again once more. */
export function receive(client: QueryClient, n: Notification) {
  if (client.isFetching({ queryKey: NOTIFICATIONS, exact: true }) > 0) {
    // Cancelled first: a read of a list not loaded yet would otherwise be joined, not repeated.
    const filter = { queryKey: NOTIFICATIONS, exact: true };
    void client.cancelQueries(filter).then(() => client.invalidateQueries(filter));
  }
  client.setQueryData<NotificationPage>(NOTIFICATIONS, (page) => {
    if (!page) return page;
    if (page.notifications.some((m) => m.id === n.id)) return page;
    return {
      notifications: [n, ...page.notifications],
      unread_count: page.unread_count + (n.read ? 0 : 1),
    };
  });
}

/** Marks `ids` read (all of them when `ids` is absent) in the cache, with the server's count. */
export function markedRead(client: QueryClient, ids: string[] | undefined, unread: number) {
  client.setQueryData<NotificationPage>(NOTIFICATIONS, (page) =>
    page && {
      notifications: page.notifications.map((n) => (!ids || ids.includes(n.id) ? { ...n, read: true } : n)),
      unread_count: unread,
    },
  );
}

export async function markRead(client: QueryClient, ids: string[]) {
  const r = await unwrap(api.POST("/api/notifications/read", { body: { ids } }));
  markedRead(client, ids, r.unread_count);
}

export async function markAllRead(client: QueryClient) {
  const r = await unwrap(api.POST("/api/notifications/read-all"));
  markedRead(client, undefined, r.unread_count);
}

/** Whether a WebSocket frame is a `notification` push; its notification when it is. */
export function notificationOf(frame: string): Notification | null {
  let env: { method?: unknown; data?: unknown };
  try {
    env = JSON.parse(frame);
  } catch {
    return null;
  }
  if (env.method !== "notification" || typeof env.data !== "object" || env.data === null) return null;
  const n = env.data as Partial<Notification>;
  return typeof n.id === "string" && typeof n.title === "string" ? (n as Notification) : null;
}

/** While signed in: one WebSocket for pushed notifications, reconnecting with backoff. Each time
 * it opens, the first time too, the list is read again: what was pushed before it opened (a run
 * that ended between the page's first read and the socket's connect, or while it was down) is
 * only in the store. */
export function useNotificationSocket(enabled: boolean) {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | null = null;
    let closed = false;
    let retry = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
      socket = ws;
      ws.onopen = () => {
        void client.invalidateQueries({ queryKey: NOTIFICATIONS, exact: true });
        retry = 0;
      };
      ws.onmessage = (msg) => {
        const n = notificationOf(String(msg.data));
        if (n) receive(client, n);
      };
      ws.onclose = () => {
        if (closed) return;
        retry += 1;
        timer = setTimeout(connect, Math.min(10_000, 250 * 2 ** retry));
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [enabled, client]);
}

/** What each kind means, in the preferences' words; kinds the server adds later show as named. */
export const KIND_LABELS: Record<string, string> = {
  RUN_FINISHED: "A run finished",
  RUN_FAILED: "A run failed",
  SUBMISSION_APPROVED: "A store submission was approved",
  SUBMISSION_REJECTED: "A store submission was rejected",
  AGENT_TAKEN_DOWN: "A store agent of yours was taken down",
  AGENT_NEW_VERSION: "A library agent has a new version",
  LOW_BALANCE: "The credit balance is low",
  ZERO_BALANCE: "The credit balance is zero",
  SCHEDULE_FAILING: "A schedule keeps failing",
};

/** Where a notification leads: its run, or nothing. */
export function linkOf(n: Notification): string | null {
  const data = n.data as Record<string, unknown>;
  return typeof data.graph_exec_id === "string" ? `/runs/${data.graph_exec_id}` : null;
}
