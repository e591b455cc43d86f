//! The editor's commands with their shortcuts, in one list that the key handler and the `?`
//! help sheet both read.
import type { BlockInfo } from "../../graph/types";
import type { BlockNode, LinkEdge } from "../../graph/convert";
import { layout } from "../../graph/layout";
import { useBuilder } from "./store";

export function newNode(block: BlockInfo, position: { x: number; y: number }): BlockNode {
  const values: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(block.inputSchema.properties ?? {})) {
    if (s.default !== undefined) values[k] = s.default;
  }
  return {
    id: crypto.randomUUID(),
    type: "block",
    position,
    data: { blockId: block.id, values, extraPins: [], metadata: {} },
  };
}

const CLIPBOARD = "agentry.clipboard";

/** Copies the selected nodes and the links between them (local storage: works across graphs). */
export function copySelection(): number {
  const { nodes, edges } = useBuilder.getState();
  const picked = nodes.filter((n) => n.selected);
  const ids = new Set(picked.map((n) => n.id));
  const links = edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  localStorage.setItem(CLIPBOARD, JSON.stringify({ nodes: picked, edges: links }));
  return picked.length;
}

/** Pastes the copied nodes with fresh ids, offset so they do not hide the originals. */
export function paste(): number {
  const raw = localStorage.getItem(CLIPBOARD);
  if (!raw) return 0;
  const clip = JSON.parse(raw) as { nodes: BlockNode[]; edges: LinkEdge[] };
  const fresh = new Map(clip.nodes.map((n) => [n.id, crypto.randomUUID()]));
  const nodes = clip.nodes.map((n) => ({
    ...n,
    id: fresh.get(n.id)!,
    selected: true,
    position: { x: n.position.x + 40, y: n.position.y + 40 },
  }));
  const edges = clip.edges.map((e) => ({
    ...e,
    id: crypto.randomUUID(),
    source: fresh.get(e.source)!,
    target: fresh.get(e.target)!,
  }));
  useBuilder.getState().commit((s) => ({
    nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes],
    edges: [...s.edges, ...edges],
  }));
  return nodes.length;
}

export function autoLayout() {
  useBuilder.getState().commit((s) => {
    const pos = layout(
      s.nodes.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })),
      s.edges,
    );
    return { ...s, nodes: s.nodes.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })) };
  });
}

export function selectAll() {
  useBuilder.setState((s) => ({ nodes: s.nodes.map((n) => ({ ...n, selected: true })) }));
}

export function deleteSelection() {
  useBuilder.getState().commit((s) => {
    const gone = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
    return {
      nodes: s.nodes.filter((n) => !gone.has(n.id)),
      edges: s.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target)),
    };
  });
}

export interface Shortcut {
  keys: string;
  label: string;
  /** Matches a keydown event. */
  match: (e: KeyboardEvent) => boolean;
  id: "save" | "run" | "undo" | "redo" | "copy" | "paste" | "selectAll" | "search" | "fit" | "layout" | "help" | "close";
}

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const plain = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey;

export const SHORTCUTS: Shortcut[] = [
  { id: "save", keys: "Ctrl/⌘ S", label: "Save a new version", match: (e) => mod(e) && e.key.toLowerCase() === "s" },
  { id: "run", keys: "Ctrl/⌘ Enter", label: "Run", match: (e) => mod(e) && e.key === "Enter" },
  { id: "undo", keys: "Ctrl/⌘ Z", label: "Undo", match: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === "z" },
  { id: "redo", keys: "Ctrl/⌘ Shift Z", label: "Redo", match: (e) => mod(e) && e.shiftKey && e.key.toLowerCase() === "z" },
  { id: "copy", keys: "Ctrl/⌘ C", label: "Copy selected nodes", match: (e) => mod(e) && e.key.toLowerCase() === "c" },
  { id: "paste", keys: "Ctrl/⌘ V", label: "Paste nodes", match: (e) => mod(e) && e.key.toLowerCase() === "v" },
  { id: "selectAll", keys: "Ctrl/⌘ A", label: "Select all", match: (e) => mod(e) && e.key.toLowerCase() === "a" },
  { id: "search", keys: "/", label: "Search blocks", match: (e) => plain(e) && e.key === "/" },
  { id: "fit", keys: "F", label: "Fit the graph in view", match: (e) => plain(e) && e.key.toLowerCase() === "f" },
  { id: "layout", keys: "L", label: "Auto-layout", match: (e) => plain(e) && e.key.toLowerCase() === "l" },
  { id: "help", keys: "?", label: "This help", match: (e) => e.key === "?" },
  { id: "close", keys: "Esc", label: "Close panels", match: (e) => e.key === "Escape" },
];

/** True when typing in a field: then only the Ctrl/⌘ shortcuts apply. */
export function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}
