//! `/store`: published agents — featured first, by category, sorted by rating, runs or
//! recency, a page at a time — and full-text search (the server ranks the matches). The
//! filters live in the URL, so reload and back keep them.
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { errorMessage } from "../../api/client";
import { Progress } from "../../components/Progress";
import { ListingGrid, Pager } from "./Listings";
import { CATEGORIES, SORTS, useListings } from "./storeApi";

export function StorePage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const category = params.get("category") ?? "";
  const sort = params.get("sort") ?? "";
  const featured = params.get("featured") === "1";
  const page = Number(params.get("page") ?? 1);
  const [text, setText] = useState(q);
  const listings = useListings({
    search_query: q || undefined,
    category: category || undefined,
    sorted_by: sort || undefined,
    featured: featured || undefined,
    page,
    page_size: 12,
  });
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("page" in changes)) next.delete("page");
    setParams(next);
  };
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-semibold">Store</h1>
        <span className="ml-auto flex flex-wrap gap-2 text-sm">
          <Link className="btn" to="/store/submit">Submit an agent</Link>
          <Link className="btn" to="/store/submissions">My submissions</Link>
        </span>
      </div>
      <form
        role="search"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: text.trim() });
        }}
      >
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <label htmlFor="store-search" className="text-xs font-medium">Search agents</label>
          <input id="store-search" type="search" className="input" value={text} onChange={(e) => setText(e.target.value)} placeholder="names, descriptions, categories" />
        </div>
        <button type="submit" className="btn-primary">Search</button>
        <div className="flex flex-col gap-1">
          <label htmlFor="store-category" className="text-xs font-medium">Category</label>
          <select id="store-category" className="input" value={category} onChange={(e) => set({ category: e.target.value })}>
            <option value="">All</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="store-sort" className="text-xs font-medium">Sort by</label>
          <select id="store-sort" className="input" value={sort} onChange={(e) => set({ sort: e.target.value })}>
            <option value="">{q ? "Best match" : "Default"}</option>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>{s.label}</option>
            ))}
          </select>
        </div>
        <label className="flex items-center gap-1 pb-1 text-sm">
          <input type="checkbox" className="accent-indigo-600" checked={featured} onChange={(e) => set({ featured: e.target.checked ? "1" : "" })} />
          Featured only
        </label>
      </form>
      {listings.isLoading && <Progress label="Loading the store…" />}
      {listings.error && <p role="alert" className="text-red-700 dark:text-red-300">{errorMessage(listings.error)}</p>}
      {listings.data && (
        <>
          {q && <p className="text-sm" aria-live="polite">{listings.data.pagination.total_items} {listings.data.pagination.total_items === 1 ? "agent matches" : "agents match"} “{q}”.</p>}
          <ListingGrid agents={listings.data.agents} empty={q ? "No agent matches: try other words." : "No agents are published yet: submit one of yours."} />
          <Pager pagination={listings.data.pagination} onPage={(p) => set({ page: String(p) })} />
        </>
      )}
    </div>
  );
}
