//! The searchable block palette: by name, description and category; drag a block onto the
//! canvas, or press Enter / click to add it at the centre.
import { memo, useDeferredValue, useMemo, useState, forwardRef } from "react";
import type { BlockInfo } from "../../graph/types";
import { categoryColour, displayName } from "./catalogue";

export const BLOCK_MIME = "application/x-agentry-block";

/** Blocks matching every word of `query` in their name, description or categories. */
export function searchBlocks(blocks: BlockInfo[], query: string): BlockInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hay = (b: BlockInfo) =>
    `${b.name} ${displayName(b.name)} ${b.description} ${b.categories.map((c) => c.category).join(" ")}`.toLowerCase();
  return blocks
    .filter((b) => words.every((w) => hay(b).includes(w)))
    .map((b) => [b, rank(b, words)] as const)
    .sort((a, b) => a[1] - b[1] || a[0].name.localeCompare(b[0].name))
    .map(([b]) => b);
}

/** Lower is better: name matches first, the shortest (most exact) name first among them. */
function rank(b: BlockInfo, words: string[]): number {
  if (!words.length) return 0;
  const name = b.name.toLowerCase();
  return words.every((w) => name.includes(w)) ? name.length : 1000;
}

interface Props {
  blocks: BlockInfo[];
  onAdd: (block: BlockInfo) => void;
}

export const BlockPalette = memo(
  forwardRef<HTMLInputElement, Props>(function BlockPalette({ blocks, onAdd }, ref) {
    const [query, setQuery] = useState("");
    const deferred = useDeferredValue(query);
    const found = useMemo(() => searchBlocks(blocks, deferred), [blocks, deferred]);
    return (
      <aside
        aria-label="Blocks"
        className="flex h-full w-72 flex-col border-r border-neutral-200 bg-neutral-50 dark:border-neutral-700 dark:bg-neutral-900"
      >
        <div className="p-2">
          <label htmlFor="block-search" className="sr-only">
            Search blocks
          </label>
          <input
            id="block-search"
            ref={ref}
            type="search"
            placeholder="Search blocks (/)"
            className="w-full rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm dark:border-neutral-600 dark:bg-neutral-800"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && found[0]) onAdd(found[0]);
            }}
          />
          <p className="mt-1 text-xs text-neutral-600 dark:text-neutral-400" aria-live="polite">
            {found.length} of {blocks.length} blocks
          </p>
        </div>
        <ul className="flex-1 overflow-y-auto px-2 pb-2">
          {found.map((b) => (
            <li key={b.id}>
              <button
                type="button"
                draggable
                data-testid="palette-block"
                data-block={b.name}
                onDragStart={(e) => {
                  e.dataTransfer.setData(BLOCK_MIME, b.id);
                  e.dataTransfer.effectAllowed = "move";
                }}
                onClick={() => onAdd(b)}
                className="mb-1 w-full rounded-md border border-neutral-200 bg-white p-2 text-left hover:border-indigo-400 dark:border-neutral-700 dark:bg-neutral-800"
              >
                <span className="flex items-center gap-2 text-sm font-medium">
                  <span aria-hidden className="h-2.5 w-2.5 rounded-full" style={{ background: categoryColour(b) }} />
                  {displayName(b.name)}
                </span>
                <span className="line-clamp-2 text-xs text-neutral-600 dark:text-neutral-400">{b.description}</span>
                <span className="text-[11px] uppercase tracking-wide text-neutral-600 dark:text-neutral-400">
                  {b.categories.map((c) => c.category).join(" · ")}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
    );
  }),
);
