//! The frame of every page: a left rail of sections with the user menu at its foot (a bottom
//! bar under 640 px, where the account is under Settings), the notifications bell, and the page.
import { NavLink, Outlet, useNavigate } from "react-router";
import { errorMessage } from "../api/client";
import { Toaster, toast } from "../components/toast";
import { signOut, useSession } from "../features/auth/session";
import { NotificationBell } from "../features/notifications/NotificationBell";
import { useNotificationSocket } from "../features/notifications/notifications";

const SECTIONS = [
  { to: "/", label: "Library", icon: "▦", end: true },
  { to: "/build", label: "Build", icon: "✎", end: false },
  { to: "/runs", label: "Runs", icon: "▶", end: false },
  { to: "/store", label: "Store", icon: "◈", end: false },
  { to: "/settings", label: "Settings", icon: "⚙", end: false },
];
// Only admins see it; the server refuses the admin routes to everyone else.
const ADMIN = { to: "/admin", label: "Admin", icon: "◆", end: false };

function UserMenu() {
  const user = useSession((s) => s.user);
  const navigate = useNavigate();
  const out = async () => {
    try {
      await signOut();
      navigate("/login?returning=1", { replace: true });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  if (!user) return null;
  return (
    <div className="mt-auto hidden flex-col items-center gap-1 border-t border-neutral-200 py-2 sm:flex dark:border-neutral-800">
      <NavLink
        to="/settings/profile"
        title={user.email}
        aria-label={`Account: ${user.email}`}
        className="flex h-8 w-8 items-center justify-center rounded-full bg-indigo-100 text-sm font-semibold uppercase text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100"
      >
        {user.email.slice(0, 1)}
      </NavLink>
      <button type="button" className="btn-ghost px-1 text-xs" onClick={() => void out()}>
        Sign out
      </button>
    </div>
  );
}

export function Shell() {
  const admin = useSession((s) => s.user?.role === "admin");
  const signedIn = useSession((s) => !!s.user);
  // One socket for the whole app: pushed notifications keep the bell's count live.
  useNotificationSocket(signedIn);
  const sections = admin ? [...SECTIONS, ADMIN] : SECTIONS;
  return (
    <div className="flex h-dvh flex-col-reverse bg-neutral-100 text-neutral-900 sm:flex-row dark:bg-neutral-950 dark:text-neutral-100">
      <nav aria-label="Sections" className="flex shrink-0 border-t border-neutral-200 bg-white sm:w-20 sm:flex-col sm:border-r sm:border-t-0 dark:border-neutral-800 dark:bg-neutral-900">
        <span className="hidden py-3 text-center text-sm font-bold text-indigo-700 sm:block dark:text-indigo-300">Agentry</span>
        {sections.map((s) => (
          <NavLink
            key={s.to}
            to={s.to}
            end={s.end}
            className={({ isActive }) =>
              `flex flex-1 flex-col items-center gap-0.5 py-2 text-xs sm:flex-none ${isActive ? "text-indigo-700 dark:text-indigo-300" : "text-neutral-600 dark:text-neutral-400"}`
            }
          >
            <span aria-hidden className="text-lg leading-none">{s.icon}</span>
            {s.label}
          </NavLink>
        ))}
        <NotificationBell />
        <UserMenu />
      </nav>
      <div className="min-h-0 min-w-0 flex-1 overflow-auto">
        <Outlet />
      </div>
      <Toaster />
    </div>
  );
}
