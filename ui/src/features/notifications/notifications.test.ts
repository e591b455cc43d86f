import { describe, expect, it } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import { NOTIFICATIONS, linkOf, markedRead, notificationOf, receive, type Notification, type NotificationPage } from "./notifications";

const note = (id: string, read = false): Notification => ({
  id,
  kind: "RUN_FINISHED",
  title: `Run ${id} finished`,
  body: "",
  data: { graph_exec_id: `run-${id}` },
  read,
  created_at: "2026-12-03T12:00:00Z",
});

function cached(client: QueryClient) {
  return client.getQueryData<NotificationPage>(NOTIFICATIONS)!;
}

describe("notifications", () => {
  it("reads only `notification` pushes with an id and a title", () => {
    const frame = (v: unknown) => JSON.stringify(v);
    expect(notificationOf(frame({ method: "notification", data: note("a") }))?.id).toBe("a");
    expect(notificationOf(frame({ method: "node_execution_event", data: note("a") }))).toBeNull();
    expect(notificationOf(frame({ method: "notification", data: { id: 3 } }))).toBeNull();
    expect(notificationOf(frame({ method: "notification", data: null }))).toBeNull();
    expect(notificationOf("not json")).toBeNull();
  });

  it("puts a pushed one on top once and counts it unread", () => {
    const client = new QueryClient();
    client.setQueryData<NotificationPage>(NOTIFICATIONS, { notifications: [note("old", true)], unread_count: 0 });
    receive(client, note("new"));
    receive(client, note("new"));
    expect(cached(client).notifications.map((n) => n.id)).toEqual(["new", "old"]);
    expect(cached(client).unread_count).toBe(1);
  });

  it("leaves an unloaded list to its first fetch", () => {
    const client = new QueryClient();
    receive(client, note("a"));
    expect(client.getQueryData(NOTIFICATIONS)).toBeUndefined();
  });

  it("marks some or all read with the server's count", () => {
    const client = new QueryClient();
    client.setQueryData<NotificationPage>(NOTIFICATIONS, { notifications: [note("a"), note("b"), note("c")], unread_count: 3 });
    markedRead(client, ["b"], 2);
    expect(cached(client).notifications.map((n) => n.read)).toEqual([false, true, false]);
    expect(cached(client).unread_count).toBe(2);
    markedRead(client, undefined, 0);
    expect(cached(client).notifications.every((n) => n.read)).toBe(true);
  });

  it("links a run's notification to the run", () => {
    expect(linkOf(note("a"))).toBe("/runs/run-a");
    expect(linkOf({ ...note("a"), data: { balance: 3 } })).toBeNull();
  });
});
