//! `/admin/*`: the administrators' pages (users, audit log, store reviews) under one tab bar. Only admins see
//! the section; the server refuses everyone else anyway, and this page says so.
import { NavLink, Outlet } from "react-router";
import { useSession } from "../auth/session";

const TABS = [
  { to: "/admin/users", label: "Users" },
  { to: "/admin/audit", label: "Audit log" },
  { to: "/admin/reviews", label: "Store reviews" },
];

export function AdminPage() {
  const role = useSession((s) => s.user?.role);
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4 p-4">
      <h1 className="text-xl font-semibold">Admin</h1>
      {role !== "admin" ? (
        <p role="alert">These pages are for administrators.</p>
      ) : (
        <>
          <nav aria-label="Admin" className="flex gap-1 overflow-x-auto border-b border-neutral-200 dark:border-neutral-700">
            {TABS.map((t) => (
              <NavLink
                key={t.to}
                to={t.to}
                className={({ isActive }) =>
                  `whitespace-nowrap border-b-2 px-3 py-2 text-sm ${isActive ? "border-indigo-700 text-indigo-700 dark:border-indigo-300 dark:text-indigo-300" : "border-transparent text-neutral-700 dark:text-neutral-300"}`
                }
              >
                {t.label}
              </NavLink>
            ))}
          </nav>
          <Outlet />
        </>
      )}
    </div>
  );
}
