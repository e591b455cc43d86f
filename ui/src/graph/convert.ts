//! Between the API's graph (AutoGPT's export shape) and the canvas' nodes and edges.
import type { Edge, Node } from "@xyflow/react";
import type { ApiGraph, ApiLink, ApiNode, BlockInfo } from "./types";
import { parentPin } from "./pins";

export interface BlockNodeData extends Record<string, unknown> {
  blockId: string;
  values: Record<string, unknown>;
  /** Nested input pins the user added (`values_#_name`), beyond those links use. */
  extraPins: string[];
  /** Metadata other than the position, kept for a lossless round trip. */
  metadata: Record<string, unknown>;
}

export type BlockNode = Node<BlockNodeData, "block">;
export interface LinkData extends Record<string, unknown> {
  isStatic: boolean;
}
export type LinkEdge = Edge<LinkData>;

export function edgeFor(link: ApiLink, isStatic: boolean): LinkEdge {
  return {
    id: link.id ?? crypto.randomUUID(),
    source: link.source_id,
    target: link.sink_id,
    sourceHandle: link.source_name,
    targetHandle: link.sink_name,
    data: { isStatic },
    className: isStatic ? "static-link" : undefined,
    style: isStatic ? { strokeDasharray: "6 4" } : undefined,
  };
}

export function toFlow(
  graph: Pick<ApiGraph, "nodes" | "links">,
  blocks: Map<string, BlockInfo>,
): { nodes: BlockNode[]; edges: LinkEdge[] } {
  const nested = new Map<string, Set<string>>();
  for (const l of graph.links) {
    if (parentPin(l.sink_name) !== l.sink_name) {
      if (!nested.has(l.sink_id)) nested.set(l.sink_id, new Set());
      nested.get(l.sink_id)!.add(l.sink_name);
    }
  }
  const nodes: BlockNode[] = graph.nodes.map((n, i) => nodeFor(n, i, nested.get(n.id)));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const edges = graph.links.map((l) => {
    const source = byId.get(l.source_id);
    const staticOut = source ? !!blocks.get(source.block_id)?.staticOutput : false;
    return edgeFor(l, !!l.is_static || staticOut);
  });
  return { nodes, edges };
}

function nodeFor(n: ApiNode, i: number, nested?: Set<string>): BlockNode {
  const { position, ...metadata } = n.metadata ?? {};
  const pins: unknown = metadata.agentry_pins;
  const extra = Array.isArray(pins) ? pins.filter((p): p is string => typeof p === "string") : [];
  delete metadata.agentry_pins;
  return {
    id: n.id,
    type: "block",
    position: position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 260 },
    data: {
      blockId: n.block_id,
      values: n.input_default ?? {},
      extraPins: [...new Set([...extra, ...(nested ?? [])])],
      metadata,
    },
  };
}

export function fromFlow(
  base: { name: string; description: string },
  nodes: BlockNode[],
  edges: LinkEdge[],
): { name: string; description: string; nodes: ApiNode[]; links: ApiLink[] } {
  const links: ApiLink[] = edges.map((e) => ({
    source_id: e.source,
    sink_id: e.target,
    source_name: e.sourceHandle ?? "",
    sink_name: e.targetHandle ?? "",
    is_static: !!e.data?.isStatic,
  }));
  return {
    name: base.name,
    description: base.description,
    nodes: nodes.map((n) => ({
      id: n.id,
      block_id: n.data.blockId,
      input_default: n.data.values,
      metadata: {
        ...n.data.metadata,
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
        ...(n.data.extraPins.length ? { agentry_pins: n.data.extraPins } : {}),
      },
    })),
    links,
  };
}
