//! What changed between two versions of a graph, node by node and link by link.
import type { ApiGraph, ApiLink } from "./types";

export interface GraphDiff {
  addedNodes: string[];
  removedNodes: string[];
  changedNodes: { id: string; fields: string[] }[];
  addedLinks: string[];
  removedLinks: string[];
  renamed: boolean;
}

const linkKey = (l: ApiLink) => `${l.source_id}:${l.source_name} → ${l.sink_id}:${l.sink_name}`;

export function diffGraphs(a: ApiGraph, b: ApiGraph): GraphDiff {
  const an = new Map(a.nodes.map((n) => [n.id, n]));
  const bn = new Map(b.nodes.map((n) => [n.id, n]));
  const changedNodes: GraphDiff["changedNodes"] = [];
  for (const [id, n] of bn) {
    const old = an.get(id);
    if (!old) continue;
    const keys = new Set([...Object.keys(old.input_default), ...Object.keys(n.input_default)]);
    const fields = [...keys].filter(
      (k) => JSON.stringify(old.input_default[k]) !== JSON.stringify(n.input_default[k]),
    );
    if (old.block_id !== n.block_id) fields.unshift("block");
    if (fields.length) changedNodes.push({ id, fields });
  }
  const al = new Set(a.links.map(linkKey));
  const bl = new Set(b.links.map(linkKey));
  return {
    addedNodes: [...bn.keys()].filter((id) => !an.has(id)),
    removedNodes: [...an.keys()].filter((id) => !bn.has(id)),
    changedNodes,
    addedLinks: [...bl].filter((k) => !al.has(k)),
    removedLinks: [...al].filter((k) => !bl.has(k)),
    renamed: a.name !== b.name,
  };
}
