//! The canvas' state: nodes, edges, the graph's name, undo/redo history, validation errors and
//! the live run's node statuses. Components select narrowly so that a change re-renders only
//! the nodes it touches.
import { create } from "zustand";
import {
  applyEdgeChanges,
  applyNodeChanges,
  type EdgeChange,
  type NodeChange,
} from "@xyflow/react";
import type { BlockNode, LinkEdge } from "../../graph/convert";
import type { ExecutionStatus, NodeErrors } from "../../graph/types";

interface Snapshot {
  nodes: BlockNode[];
  edges: LinkEdge[];
}

export interface NodeRun {
  status: ExecutionStatus;
  outputs: Record<string, unknown[]>;
  inputs: Record<string, unknown>;
}

interface BuilderState {
  graphId: string | null;
  version: number | null;
  name: string;
  description: string;
  nodes: BlockNode[];
  edges: LinkEdge[];
  dirty: boolean;
  past: Snapshot[];
  future: Snapshot[];
  nodeErrors: NodeErrors;
  nodeRuns: Record<string, NodeRun>;
  refusal: string | null;

  load(g: { id: string | null; version: number | null; name: string; description: string }, s: Snapshot): void;
  setName(name: string): void;
  onNodesChange(changes: NodeChange<BlockNode>[]): void;
  onEdgesChange(changes: EdgeChange<LinkEdge>[]): void;
  /** Records the current state for undo, then applies `change`. */
  commit(change: (s: Snapshot) => Snapshot): void;
  checkpoint(): void;
  undo(): void;
  redo(): void;
  setValue(nodeId: string, key: string, value: unknown): void;
  addPin(nodeId: string, pin: string): void;
  removePin(nodeId: string, pin: string): void;
  setNodeErrors(e: NodeErrors): void;
  setNodeRuns(r: Record<string, NodeRun>): void;
  setRefusal(r: string | null): void;
  markSaved(id: string, version: number): void;
}

const LIMIT = 100;

export const useBuilder = create<BuilderState>()((set, get) => ({
  graphId: null,
  version: null,
  name: "Untitled agent",
  description: "",
  nodes: [],
  edges: [],
  dirty: false,
  past: [],
  future: [],
  nodeErrors: {},
  nodeRuns: {},
  refusal: null,

  load: (g, s) =>
    set({
      graphId: g.id,
      version: g.version,
      name: g.name,
      description: g.description,
      nodes: s.nodes,
      edges: s.edges,
      dirty: false,
      past: [],
      future: [],
      nodeErrors: {},
      nodeRuns: {},
    }),
  setName: (name) => set({ name, dirty: true }),
  onNodesChange: (changes) => {
    const meaningful = changes.some((c) => c.type !== "select" && c.type !== "dimensions");
    set((s) => ({ nodes: applyNodeChanges(changes, s.nodes), dirty: s.dirty || meaningful }));
  },
  onEdgesChange: (changes) => {
    const meaningful = changes.some((c) => c.type !== "select");
    if (meaningful) get().checkpoint();
    set((s) => ({ edges: applyEdgeChanges(changes, s.edges), dirty: s.dirty || meaningful }));
  },
  checkpoint: () =>
    set((s) => ({
      past: [...s.past.slice(-LIMIT + 1), { nodes: s.nodes, edges: s.edges }],
      future: [],
    })),
  commit: (change) => {
    get().checkpoint();
    set((s) => ({ ...change({ nodes: s.nodes, edges: s.edges }), dirty: true }));
  },
  undo: () =>
    set((s) => {
      const prev = s.past[s.past.length - 1];
      if (!prev) return s;
      return {
        past: s.past.slice(0, -1),
        future: [{ nodes: s.nodes, edges: s.edges }, ...s.future],
        nodes: prev.nodes,
        edges: prev.edges,
        dirty: true,
      };
    }),
  redo: () =>
    set((s) => {
      const next = s.future[0];
      if (!next) return s;
      return {
        future: s.future.slice(1),
        past: [...s.past, { nodes: s.nodes, edges: s.edges }],
        nodes: next.nodes,
        edges: next.edges,
        dirty: true,
      };
    }),
  setValue: (nodeId, key, value) => {
    get().checkpoint();
    set((s) => ({
      dirty: true,
      nodes: s.nodes.map((n) => {
        if (n.id !== nodeId) return n;
        const values = { ...n.data.values };
        if (value === undefined) delete values[key];
        else values[key] = value;
        return { ...n, data: { ...n.data, values } };
      }),
    }));
  },
  addPin: (nodeId, pin) =>
    get().commit((s) => ({
      ...s,
      nodes: s.nodes.map((n) =>
        n.id === nodeId && !n.data.extraPins.includes(pin)
          ? { ...n, data: { ...n.data, extraPins: [...n.data.extraPins, pin] } }
          : n,
      ),
    })),
  removePin: (nodeId, pin) =>
    get().commit((s) => ({
      nodes: s.nodes.map((n) =>
        n.id === nodeId
          ? { ...n, data: { ...n.data, extraPins: n.data.extraPins.filter((p) => p !== pin) } }
          : n,
      ),
      edges: s.edges.filter((e) => !(e.target === nodeId && e.targetHandle === pin)),
    })),
  setNodeErrors: (nodeErrors) => set({ nodeErrors }),
  setNodeRuns: (nodeRuns) => set({ nodeRuns }),
  setRefusal: (refusal) => set({ refusal }),
  markSaved: (id, version) => set({ graphId: id, version, dirty: false, nodeErrors: {} }),
}));
