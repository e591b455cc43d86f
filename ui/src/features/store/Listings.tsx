//! A grid of store listings (browse, search results, a creator's agents) and the pager under it.
import { Link } from "react-router";
import type { Pagination, StoreAgent } from "./storeApi";

export function ListingCard({ agent }: { agent: StoreAgent }) {
  return (
    <li className="flex flex-col gap-1 rounded-md border border-neutral-200 bg-white p-3 dark:border-neutral-700 dark:bg-neutral-900" data-testid="listing">
      {agent.agent_image && <img src={agent.agent_image} alt="" className="h-28 w-full rounded object-cover" />}
      <Link to={`/store/${encodeURIComponent(agent.creator)}/${encodeURIComponent(agent.slug)}`} className="font-semibold text-indigo-800 hover:underline dark:text-indigo-300">
        {agent.agent_name}
      </Link>
      <p className="text-sm">{agent.sub_heading}</p>
      <p className="text-xs text-neutral-600 dark:text-neutral-400">
        by <Link className="underline" to={`/creators/${encodeURIComponent(agent.creator)}`}>{agent.creator}</Link> · ★ {agent.rating.toFixed(1)} · {agent.runs} runs
      </p>
      {agent.categories.length > 0 && <p className="text-xs">{agent.categories.join(" · ")}</p>}
    </li>
  );
}

export function ListingGrid({ agents, empty }: { agents: StoreAgent[]; empty: string }) {
  if (!agents.length) return <p className="text-sm">{empty}</p>;
  return (
    <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {agents.map((a) => (
        <ListingCard key={a.store_listing_version_id} agent={a} />
      ))}
    </ul>
  );
}

export function Pager({ pagination, onPage }: { pagination: Pagination; onPage: (page: number) => void }) {
  if (pagination.total_pages <= 1) return null;
  const page = pagination.current_page;
  return (
    <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
      <button type="button" className="btn" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</button>
      <span>
        Page {page} of {pagination.total_pages} ({pagination.total_items} agents)
      </span>
      <button type="button" className="btn" disabled={page >= pagination.total_pages} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}
