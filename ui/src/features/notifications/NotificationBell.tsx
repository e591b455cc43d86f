//! The bell in the rail: the unread count, kept live by the app's notification socket, linking
//! to the notifications page.
import { NavLink } from "react-router";
import { useNotifications } from "./notifications";

export function NotificationBell() {
  const list = useNotifications();
  const unread = list.data?.unread_count ?? 0;
  return (
    <NavLink
      to="/notifications"
      title="Notifications"
      data-testid="bell"
      className={({ isActive }) =>
        `relative flex flex-1 flex-col items-center gap-0.5 py-2 text-xs sm:flex-none ${isActive ? "text-indigo-700 dark:text-indigo-300" : "text-neutral-600 dark:text-neutral-400"}`
      }
    >
      <svg aria-hidden viewBox="0 0 24 24" className="h-[18px] w-[18px]" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {/* The name is what shows ("Alerts 2 unread"), so voice control finds it by its word. */}
      <span>Alerts</span>{" "}
      {unread > 0 && (
        <span
          data-testid="unread-count"
          className="absolute right-1/2 top-1 translate-x-5 rounded-full bg-red-700 px-1.5 text-[11px] font-semibold leading-4 text-white"
        >
          {unread > 99 ? "99+" : unread}
          <span className="sr-only"> unread</span>
        </span>
      )}
    </NavLink>
  );
}
