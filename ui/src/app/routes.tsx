//! Every page's URL. Feature pages load on demand so the library opens without the canvas code;
//! every page but sign-in and sign-up needs a signed-in user (`RequireAuth`).
import { lazy, Suspense } from "react";
import { createBrowserRouter, Navigate, type LoaderFunctionArgs } from "react-router";
import { prefetchBuilder } from "../api/queries";
import { queryClient } from "../api/queryClient";
import { useSession } from "../features/auth/session";
import { Shell } from "./Shell";
import { LibraryPage } from "../features/library/LibraryPage";
import { RequireAuth } from "../features/auth/RequireAuth";
import { LoginPage } from "../features/auth/LoginPage";
import { SignupPage } from "../features/auth/SignupPage";

const BuilderPage = lazy(() => import("../features/builder/BuilderPage").then((m) => ({ default: m.BuilderPage })));
const AgentPage = lazy(() => import("../features/library/AgentPage").then((m) => ({ default: m.AgentPage })));
const RunsPage = lazy(() => import("../features/runs/RunsPage").then((m) => ({ default: m.RunsPage })));
const RunPage = lazy(() => import("../features/runs/RunPage").then((m) => ({ default: m.RunPage })));
const SettingsPage = lazy(() => import("../features/settings/SettingsPage").then((m) => ({ default: m.SettingsPage })));
const ApiKeysPage = lazy(() => import("../features/settings/ApiKeysPage").then((m) => ({ default: m.ApiKeysPage })));
const CredentialsPage = lazy(() => import("../features/credentials/CredentialsPage").then((m) => ({ default: m.CredentialsPage })));
const OauthCallbackPage = lazy(() => import("../features/credentials/OauthCallbackPage").then((m) => ({ default: m.OauthCallbackPage })));
const AdminPage = lazy(() => import("../features/admin/AdminPage").then((m) => ({ default: m.AdminPage })));
const UsersPage = lazy(() => import("../features/admin/UsersPage").then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => import("../features/admin/AuditPage").then((m) => ({ default: m.AuditPage })));
const StorePage = lazy(() => import("../features/store/StorePage").then((m) => ({ default: m.StorePage })));
const ListingPage = lazy(() => import("../features/store/ListingPage").then((m) => ({ default: m.ListingPage })));
const CreatorPage = lazy(() => import("../features/store/CreatorPage").then((m) => ({ default: m.CreatorPage })));
const SubmitPage = lazy(() => import("../features/store/SubmitPage").then((m) => ({ default: m.SubmitPage })));
const SubmissionsPage = lazy(() => import("../features/store/SubmissionsPage").then((m) => ({ default: m.SubmissionsPage })));
const ReviewQueuePage = lazy(() => import("../features/store/ReviewsPage").then((m) => ({ default: m.ReviewQueuePage })));
const ReviewDetailPage = lazy(() => import("../features/store/ReviewsPage").then((m) => ({ default: m.ReviewDetailPage })));
const CreditsPage = lazy(() => import("../features/credits/CreditsPage").then((m) => ({ default: m.CreditsPage })));
const SharedRunPage = lazy(() => import("../features/runs/SharedRunPage").then((m) => ({ default: m.SharedRunPage })));
const NotificationsPage = lazy(() => import("../features/notifications/NotificationsPage").then((m) => ({ default: m.NotificationsPage })));
const PreferencesPage = lazy(() => import("../features/notifications/PreferencesPage").then((m) => ({ default: m.PreferencesPage })));
const ProfilePage = lazy(() => import("../features/settings/ProfilePage").then((m) => ({ default: m.ProfilePage })));

/** Starts the builder's reads at navigation, beside its code, once the session is known to be
 * signed in (a signed-out visitor goes to sign-in and asks nothing). Returns at once: the page
 * never waits for it. */
function builderLoader({ params, request }: LoaderFunctionArgs) {
  const version = new URL(request.url).searchParams.get("version");
  const start = () => prefetchBuilder(queryClient, params.graphId, version ? Number(version) : undefined);
  if (useSession.getState().status === "in") {
    start();
  } else if (useSession.getState().status === "checking") {
    const stop = useSession.subscribe((s) => {
      if (s.status === "checking") return;
      stop();
      if (s.status === "in") start();
    });
  }
  return null;
}

const page = (el: React.ReactNode) => <Suspense fallback={<p role="status" className="p-4">Loading…</p>}>{el}</Suspense>;

function NotFound() {
  return <p className="p-4">No such page. <a className="underline" href="/">Back to the library</a></p>;
}

export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  { path: "/signup", element: <SignupPage /> },
  // A shared run's public page: anyone with the link, signed in or not.
  { path: "/share/:token", element: page(<SharedRunPage />) },
  // The operator's OAuth2 `redirect_uri` (AutoGPT's path): a page of its own, without the rail.
  { path: "/auth/integrations/oauth_callback", element: <RequireAuth>{page(<OauthCallbackPage />)}</RequireAuth> },
  {
    element: (
      <RequireAuth>
        <Shell />
      </RequireAuth>
    ),
    children: [
      { path: "/", element: <LibraryPage /> },
      { path: "/library/:graphId", element: page(<AgentPage />) },
      { path: "/build/:graphId?", element: page(<BuilderPage />), loader: builderLoader },
      { path: "/runs", element: page(<RunsPage />) },
      { path: "/runs/:runId", element: page(<RunPage />) },
      { path: "/store", element: page(<StorePage />) },
      { path: "/store/submit", element: page(<SubmitPage />) },
      { path: "/store/submissions", element: page(<SubmissionsPage />) },
      { path: "/store/:creator/:slug", element: page(<ListingPage />) },
      { path: "/creators/:name", element: page(<CreatorPage />) },
      { path: "/notifications", element: page(<NotificationsPage />) },
      {
        path: "/settings",
        element: page(<SettingsPage />),
        children: [
          { index: true, element: <Navigate to="/settings/profile" replace /> },
          { path: "profile", element: page(<ProfilePage />) },
          { path: "credentials", element: page(<CredentialsPage />) },
          { path: "api-keys", element: page(<ApiKeysPage />) },
          { path: "notifications", element: page(<PreferencesPage />) },
          { path: "credits", element: page(<CreditsPage />) },
        ],
      },
      {
        path: "/admin",
        element: page(<AdminPage />),
        children: [
          { index: true, element: <Navigate to="/admin/users" replace /> },
          { path: "users", element: page(<UsersPage />) },
          { path: "audit", element: page(<AuditPage />) },
          { path: "reviews", element: page(<ReviewQueuePage />) },
          { path: "reviews/:id", element: page(<ReviewDetailPage />) },
        ],
      },
      { path: "*", element: <NotFound /> },
    ],
  },
]);
