//! `/settings/*`: a tab bar over the settings pages, each with its own URL (Credits only when
//! the server keeps credits).
import { NavLink, Outlet } from "react-router";
import { useCreditsEnabled } from "../credits/credits";

const TABS = [
  { to: "/settings/profile", label: "Profile" },
  { to: "/settings/credentials", label: "Credentials" },
  { to: "/settings/api-keys", label: "API keys" },
  { to: "/settings/notifications", label: "Notifications" },
];

export function SettingsPage() {
  const credits = useCreditsEnabled();
  const tabs = credits ? [...TABS, { to: "/settings/credits", label: "Credits" }] : TABS;
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4 p-4">
      <h1 className="text-xl font-semibold">Settings</h1>
      <nav aria-label="Settings" className="flex gap-1 overflow-x-auto border-b border-neutral-200 dark:border-neutral-700">
        {tabs.map((t) => (
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
    </div>
  );
}
