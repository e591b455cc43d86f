//! The frame of every page: a left rail of sections (a bottom bar under 640 px) and the page.
import { NavLink, Outlet } from "react-router";
import { Toaster } from "../components/toast";

const SECTIONS = [
  { to: "/", label: "Library", icon: "▦", end: true },
  { to: "/build", label: "Build", icon: "✎", end: false },
  { to: "/runs", label: "Runs", icon: "▶", end: false },
];

export function Shell() {
  return (
    <div className="flex h-dvh flex-col-reverse bg-neutral-100 text-neutral-900 sm:flex-row dark:bg-neutral-950 dark:text-neutral-100">
      <nav aria-label="Sections" className="flex shrink-0 border-t border-neutral-200 bg-white sm:w-20 sm:flex-col sm:border-r sm:border-t-0 dark:border-neutral-800 dark:bg-neutral-900">
        <span className="hidden py-3 text-center text-sm font-bold text-indigo-700 sm:block dark:text-indigo-300">Agentry</span>
        {SECTIONS.map((s) => (
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
      </nav>
      <div className="min-h-0 min-w-0 flex-1 overflow-auto">
        <Outlet />
      </div>
      <Toaster />
    </div>
  );
}
