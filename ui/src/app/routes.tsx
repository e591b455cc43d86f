//! Every page's URL. Feature pages load on demand so the library opens without the canvas code.
import { lazy, Suspense } from "react";
import { createBrowserRouter } from "react-router";
import { Shell } from "./Shell";
import { LibraryPage } from "../features/library/LibraryPage";

const BuilderPage = lazy(() => import("../features/builder/BuilderPage").then((m) => ({ default: m.BuilderPage })));
const AgentPage = lazy(() => import("../features/library/AgentPage").then((m) => ({ default: m.AgentPage })));
const RunsPage = lazy(() => import("../features/runs/RunsPage").then((m) => ({ default: m.RunsPage })));
const RunPage = lazy(() => import("../features/runs/RunPage").then((m) => ({ default: m.RunPage })));

const page = (el: React.ReactNode) => <Suspense fallback={<p role="status" className="p-4">Loading…</p>}>{el}</Suspense>;

function NotFound() {
  return <p className="p-4">No such page. <a className="underline" href="/">Back to the library</a></p>;
}

export const router = createBrowserRouter([
  {
    element: <Shell />,
    children: [
      { path: "/", element: <LibraryPage /> },
      { path: "/library/:graphId", element: page(<AgentPage />) },
      { path: "/build/:graphId?", element: page(<BuilderPage />) },
      { path: "/runs", element: page(<RunsPage />) },
      { path: "/runs/:runId", element: page(<RunPage />) },
      { path: "*", element: <NotFound /> },
    ],
  },
]);
