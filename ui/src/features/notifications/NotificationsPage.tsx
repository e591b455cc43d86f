//! `/notifications`: the caller's notifications, newest first, unread ones marked, each with a
//! link to what it is about; mark one or all read. New ones arrive live (the app's socket).
import { Link } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../api/client";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { linkOf, markAllRead, markRead, useNotifications, type Notification } from "./notifications";

function Row({ n }: { n: Notification }) {
  const client = useQueryClient();
  const link = linkOf(n);
  const read = async () => {
    try {
      await markRead(client, [n.id]);
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  return (
    <li
      data-testid="notification"
      data-kind={n.kind}
      data-read={n.read}
      className={`flex flex-wrap items-start gap-2 rounded-md border p-3 text-sm ${n.read ? "border-neutral-200 bg-white dark:border-neutral-700 dark:bg-neutral-900" : "border-indigo-300 bg-indigo-50 dark:border-indigo-700 dark:bg-indigo-950"}`}
    >
      <div className="flex min-w-0 flex-1 flex-col gap-0.5">
        <p className="font-medium">
          {!n.read && <span className="sr-only">Unread: </span>}
          {link ? <Link className="underline" to={link}>{n.title}</Link> : n.title}
        </p>
        {n.body && <p className="whitespace-pre-wrap text-neutral-700 dark:text-neutral-300">{n.body}</p>}
        <time className="text-xs text-neutral-600 dark:text-neutral-400" dateTime={n.created_at}>
          {new Date(n.created_at).toLocaleString()}
        </time>
      </div>
      {!n.read && (
        <button type="button" className="btn" onClick={() => void read()} aria-label={`Mark read: ${n.title}`}>
          Mark read
        </button>
      )}
    </li>
  );
}

export function NotificationsPage() {
  const client = useQueryClient();
  const list = useNotifications();
  const all = async () => {
    try {
      await markAllRead(client);
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const unread = list.data?.unread_count ?? 0;
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-4 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold">Notifications</h1>
        <span className="text-sm text-neutral-700 dark:text-neutral-300" data-testid="unread-summary">
          {unread ? `${unread} unread` : "All read"}
        </span>
        <div className="ml-auto flex gap-2">
          <button type="button" className="btn" disabled={!unread} onClick={() => void all()}>
            Mark all read
          </button>
          <Link className="btn" to="/settings/notifications">Preferences</Link>
        </div>
      </div>
      {list.isLoading && <Progress label="Loading your notifications…" />}
      {list.error && <p role="alert">{errorMessage(list.error)}</p>}
      {list.data && list.data.notifications.length === 0 && (
        <p className="text-sm">Nothing yet. Finished and failed runs, store decisions and low balances show here.</p>
      )}
      <ul className="flex flex-col gap-2" aria-label="Notifications">
        {list.data?.notifications.map((n) => <Row key={n.id} n={n} />)}
      </ul>
    </div>
  );
}
