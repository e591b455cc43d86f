//! The block catalogue by id, shared by every node without passing it through node data.
import { create } from "zustand";
import type { BlockInfo } from "../../graph/types";

export const useCatalogue = create<{ blocks: Map<string, BlockInfo>; set(b: BlockInfo[]): void }>()(
  (set) => ({
    blocks: new Map(),
    set: (list) => set({ blocks: new Map(list.map((b) => [b.id, b])) }),
  }),
);

const CATEGORY_COLOURS: Record<string, string> = {
  INPUT: "#0f766e",
  OUTPUT: "#0f766e",
  AI: "#7c3aed",
  TEXT: "#15803d",
  LOGIC: "#b45309",
  BASIC: "#475569",
  SEARCH: "#2563eb",
  SOCIAL: "#be185d",
  DEVELOPER_TOOLS: "#0e7490",
  DATA: "#9333ea",
  COMMUNICATION: "#e11d48",
  AGENT: "#4f46e5",
};

export function categoryColour(b: BlockInfo | undefined): string {
  const c = b?.categories[0]?.category ?? "BASIC";
  return CATEGORY_COLOURS[c] ?? "#475569";
}

/** "FillTextTemplateBlock" → "Fill Text Template". */
export function displayName(name: string): string {
  return name.replace(/Block$/, "").replace(/([a-z0-9])([A-Z])/g, "$1 $2");
}
