import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { ReactFlowProvider, type NodeProps } from "@xyflow/react";
import { BlockNode } from "./BlockNode";
import { useCatalogue } from "./catalogue";
import { useBuilder } from "./store";
import type { BlockNode as BlockNodeType } from "../../graph/convert";

const template = {
  id: "tpl",
  name: "FillTextTemplateBlock",
  description: "",
  inputSchema: {
    properties: { values: { type: "object" }, format: { type: "string" }, escape_html: { type: "boolean", default: false } },
    required: ["values", "format"],
  },
  outputSchema: { properties: { output: { type: "string" }, error: { type: "string" } } },
  categories: [{ category: "TEXT", description: "" }],
  staticOutput: false,
  uiType: "Standard",
};

function show(extraPins: string[] = []) {
  const data = { blockId: "tpl", values: { format: "Hi" }, extraPins, metadata: {} };
  useBuilder.setState({
    nodes: [{ id: "n", type: "block", position: { x: 0, y: 0 }, data }],
    edges: [],
    nodeErrors: {},
    nodeRuns: {},
  });
  const props = { id: "n", data, selected: false } as unknown as NodeProps<BlockNodeType>;
  return render(
    <ReactFlowProvider>
      <BlockNode {...props} />
    </ReactFlowProvider>,
  );
}

beforeEach(() => useCatalogue.getState().set([template]));
afterEach(cleanup);

describe("BlockNode", () => {
  it("draws every pin with its name, the error pin last, and the fields' values", () => {
    const { container } = show();
    expect(screen.getByText("Fill Text Template")).toBeTruthy();
    const outs = [...container.querySelectorAll("[data-testid^=out-]")].map((e) => e.getAttribute("data-testid"));
    expect(outs).toEqual(["out-output", "out-error"]);
    expect((screen.getByLabelText("format") as HTMLTextAreaElement).value).toBe("Hi");
    // Optional fields keep their pins but fold their widgets.
    expect(container.querySelector('[data-handleid="escape_html"]')).toBeTruthy();
    expect(screen.queryByLabelText("escape_html")).toBeNull();
    fireEvent.click(screen.getByText("▸ Optional fields"));
    expect(screen.getByLabelText("escape_html")).toBeTruthy();
  });

  it("edits a value into the store", () => {
    show();
    fireEvent.change(screen.getByLabelText("format"), { target: { value: "Hello {{name}}" } });
    expect(useBuilder.getState().nodes[0].data.values.format).toBe("Hello {{name}}");
    expect(useBuilder.getState().dirty).toBe(true);
  });

  it("shows nested pins and removes them", () => {
    const { container } = show(["values_#_name"]);
    expect(container.querySelector('[data-handleid="values_#_name"]')).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "remove pin values_#_name" }));
    expect(useBuilder.getState().nodes[0].data.extraPins).toEqual([]);
  });

  it("marks the node and pin the API named in node_errors", () => {
    useBuilder.setState({ nodeErrors: { n: { format: "format is required" } } });
    const data = { blockId: "tpl", values: {}, extraPins: [], metadata: {} };
    render(
      <ReactFlowProvider>
        <BlockNode {...({ id: "n", data, selected: false } as unknown as NodeProps<BlockNodeType>)} />
      </ReactFlowProvider>,
    );
    expect(screen.getByText("format is required")).toBeTruthy();
    expect(screen.getByTestId("block-node").className).toContain("border-red-600");
  });
});
