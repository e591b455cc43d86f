//! The canvas: React Flow over the builder store, block drops from the palette, and the
//! connection check that refuses links whose types cannot fit, saying why.
import { memo, useCallback } from "react";
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type OnConnect,
} from "@xyflow/react";
import { edgeFor } from "../../graph/convert";
import { incompatibility, kindOfPin } from "../../graph/pins";
import { BlockNode } from "./BlockNode";
import { BLOCK_MIME } from "./BlockPalette";
import { useCatalogue } from "./catalogue";
import { useBuilder } from "./store";
import { newNode } from "./commands";

// At module scope so React Flow never sees a new object (its performance guide).
const nodeTypes = { block: BlockNode };

/** Why this connection is refused, or null. */
export function refusalFor(c: Connection): string | null {
  const { nodes } = useBuilder.getState();
  const blocks = useCatalogue.getState().blocks;
  const source = nodes.find((n) => n.id === c.source);
  const target = nodes.find((n) => n.id === c.target);
  if (!source || !target || !c.sourceHandle || !c.targetHandle) return "unknown pin";
  if (source.id === target.id) return "a node cannot feed itself";
  const from = kindOfPin(blocks.get(source.data.blockId)?.outputSchema, c.sourceHandle);
  const to = kindOfPin(blocks.get(target.data.blockId)?.inputSchema, c.targetHandle);
  return incompatibility(from, to);
}

export const Canvas = memo(function Canvas() {
  const nodes = useBuilder((s) => s.nodes);
  const edges = useBuilder((s) => s.edges);
  const onNodesChange = useBuilder((s) => s.onNodesChange);
  const onEdgesChange = useBuilder((s) => s.onEdgesChange);
  const { screenToFlowPosition } = useReactFlow();

  const onConnect: OnConnect = useCallback((c) => {
    const { commit, setRefusal, nodes } = useBuilder.getState();
    const reason = refusalFor(c);
    if (reason) {
      setRefusal(`Connection refused: ${reason}`);
      return;
    }
    setRefusal(null);
    const source = nodes.find((n) => n.id === c.source)!;
    const isStatic = !!useCatalogue.getState().blocks.get(source.data.blockId)?.staticOutput;
    commit((s) => ({
      ...s,
      // A sink pin takes one link: a new one replaces the old.
      edges: [
        ...s.edges.filter((e) => !(e.target === c.target && e.targetHandle === c.targetHandle)),
        edgeFor(
          {
            source_id: c.source,
            sink_id: c.target,
            source_name: c.sourceHandle!,
            sink_name: c.targetHandle!,
            is_static: isStatic,
          },
          isStatic,
        ),
      ],
    }));
  }, []);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const blockId = e.dataTransfer.getData(BLOCK_MIME);
      if (!blockId) return;
      e.preventDefault();
      e.stopPropagation();
      const block = useCatalogue.getState().blocks.get(blockId);
      if (!block) return;
      const position = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      useBuilder.getState().commit((s) => ({ ...s, nodes: [...s.nodes, newNode(block, position)] }));
    },
    [screenToFlowPosition],
  );

  const onNodeDragStart = useCallback(() => useBuilder.getState().checkpoint(), []);

  return (
    <div
      className="h-full w-full"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(BLOCK_MIME)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = "move";
        }
      }}
      onDrop={onDrop}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={onNodeDragStart}
        deleteKeyCode={["Delete", "Backspace"]}
        minZoom={0.05}
        onlyRenderVisibleElements
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls />
        <MiniMap pannable zoomable className="hidden sm:block" />
      </ReactFlow>
    </div>
  );
});
