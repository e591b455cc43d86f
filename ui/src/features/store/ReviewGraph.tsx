//! A submitted graph drawn read-only with the builder's node component: the reviewer sees every
//! node, pin, value and link, and can pan and zoom, but nothing can be moved, wired or typed in.
import { useEffect, useMemo } from "react";
import { Background, Controls, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { useBlocks } from "../../api/queries";
import { toFlow } from "../../graph/convert";
import type { ApiGraph } from "../../graph/types";
import { BlockNode, ForeignLinks } from "../builder/BlockNode";
import { useCatalogue } from "../builder/catalogue";

const nodeTypes = { block: BlockNode };

export function ReviewGraph({ graph }: { graph: object }) {
  const blocks = useBlocks();
  const setCatalogue = useCatalogue((s) => s.set);
  const catalogue = useCatalogue((s) => s.blocks);
  useEffect(() => {
    if (blocks.data) setCatalogue(blocks.data);
  }, [blocks.data, setCatalogue]);
  const flow = useMemo(() => (catalogue.size ? toFlow(graph as ApiGraph, catalogue) : null), [graph, catalogue]);
  if (!flow) return <p role="status">Loading the blocks…</p>;
  return (
    <fieldset disabled className="m-0 min-w-0 rounded-md border border-neutral-200 p-0 dark:border-neutral-700" aria-label="The submitted graph, read-only" data-testid="review-graph">
      {/* A fieldset's children cannot take a percentage of its height: the canvas gets its own. */}
      <div className="h-[28rem] w-full">
      <ForeignLinks.Provider value={flow.edges}>
      <ReactFlowProvider>
        <ReactFlow
          nodes={flow.nodes}
          edges={flow.edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          minZoom={0.05}
          fitView
          fitViewOptions={{ maxZoom: 1 }}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
      </ForeignLinks.Provider>
      </div>
    </fieldset>
  );
}
