import { describe, expect, it } from "vitest";
import { QueryClient, QueryObserver } from "@tanstack/react-query";
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

/** Lets react-query's scheduled work (fetches, their answers) run. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

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

  it("reads the list again when a push comes while a read is in flight", async () => {
    const client = new QueryClient();
    const answers: ((page: NotificationPage) => void)[] = [];
    const observer = new QueryObserver(client, {
      queryKey: NOTIFICATIONS,
      queryFn: () => new Promise<NotificationPage>((resolve) => answers.push(resolve)),
    });
    const stop = observer.subscribe(() => {});
    await settled();
    expect(answers.length).toBe(1);
    // Pushed while the first read is in flight: that read may have been answered without it.
    receive(client, note("new"));
    await settled();
    expect(answers.length).toBe(2);
    answers[1]({ notifications: [note("new")], unread_count: 1 });
    await settled();
    expect(cached(client).unread_count).toBe(1);
    stop();
  });

  it("does not read the list again for a push when no read is in flight", async () => {
    const client = new QueryClient();
    let reads = 0;
    const observer = new QueryObserver(client, {
      queryKey: NOTIFICATIONS,
      queryFn: async () => {
        reads += 1;
        return { notifications: [], unread_count: 0 };
      },
      staleTime: Infinity,
    });
    const stop = observer.subscribe(() => {});
    await settled();
    receive(client, note("new"));
    await settled();
    expect(reads).toBe(1);
    expect(cached(client).unread_count).toBe(1);
    stop();
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
