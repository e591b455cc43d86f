//! Auto-layout: left to right in rank order (dagre).
import dagre from "@dagrejs/dagre";

export function layout(
  nodes: { id: string; width?: number; height?: number }[],
  edges: { source: string; target: string }[],
): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width ?? 280, height: n.height ?? 200 });
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id);
    out.set(n.id, { x: p.x - (n.width ?? 280) / 2, y: p.y - (n.height ?? 200) / 2 });
  }
  return out;
}
