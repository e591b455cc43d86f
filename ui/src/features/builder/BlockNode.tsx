//! The one node component for every block: header, typed pins (nested ones with add/remove),
//! the inputs' widgets, validation errors and the live run's status and outputs.
import { createContext, memo, useCallback, useContext, useState } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { BlockNode as BlockNodeType } from "../../graph/convert";
import {
  DICT,
  FIELD,
  LIST,
  PIN_COLOURS,
  nestedKind,
  nestingOf,
  parentPin,
  pinsOf,
  type PinKind,
  type PinSpec,
} from "../../graph/pins";
import { SchemaField } from "./SchemaField";
import { categoryColour, displayName, useCatalogue } from "./catalogue";
import { useBuilder } from "./store";

/** The links of a graph drawn outside the builder (read-only review): its nodes mark linked
 * pins from these instead of the builder's store. */
export const ForeignLinks = createContext<{ target: string; targetHandle?: string | null }[] | null>(null);

const STATUS_BORDER: Record<string, string> = {
  QUEUED: "border-neutral-400",
  INCOMPLETE: "border-neutral-400",
  RUNNING: "border-blue-500",
  COMPLETED: "border-green-600",
  FAILED: "border-red-600",
  TERMINATED: "border-red-400",
  REVIEW: "border-amber-500",
};

function Pin({
  id,
  side,
  kind,
  label,
  linked,
}: {
  id: string;
  side: "in" | "out";
  kind: PinKind;
  label: string;
  linked?: boolean;
}) {
  return (
    <Handle
      id={id}
      type={side === "in" ? "target" : "source"}
      position={side === "in" ? Position.Left : Position.Right}
      className="!h-3 !w-3 !border-2 !border-white dark:!border-neutral-800"
      style={{ background: id === "error" ? "#dc2626" : PIN_COLOURS[kind], top: "auto", position: "relative", transform: "none", [side === "in" ? "left" : "right"]: -6 } as React.CSSProperties}
      title={`${label} (${kind})${linked ? " · linked" : ""}`}
      data-pin={id}
    />
  );
}

/** What the node draws from its props: React Flow also passes its measured size, position and
 * drag state, which change for every node once the canvas has measured them (a second render
 * of every node on a big graph's first load) and on every drag, and none of which it shows. */
function sameDrawing(a: NodeProps<BlockNodeType>, b: NodeProps<BlockNodeType>): boolean {
  return a.id === b.id && a.data === b.data && a.selected === b.selected;
}

export const BlockNode = memo(function BlockNode({ id, data, selected }: NodeProps<BlockNodeType>) {
  const block = useCatalogue((s) => s.blocks.get(data.blockId));
  const linkedKey = useBuilder(
    useCallback(
      (s) =>
        s.edges
          .filter((e) => e.target === id)
          .map((e) => e.targetHandle)
          .join("\n"),
      [id],
    ),
  );
  const foreign = useContext(ForeignLinks);
  const errors = useBuilder(useCallback((s) => s.nodeErrors[id], [id]));
  const run = useBuilder(useCallback((s) => s.nodeRuns[id], [id]));
  const setValue = useBuilder((s) => s.setValue);
  const addPin = useBuilder((s) => s.addPin);
  const removePin = useBuilder((s) => s.removePin);
  const [advanced, setAdvanced] = useState(false);
  const [showOutputs, setShowOutputs] = useState(false);

  if (!block) {
    return (
      <div className="rounded-lg border-2 border-red-600 bg-white p-3 text-sm dark:bg-neutral-800">
        Unknown block {data.blockId}
      </div>
    );
  }
  const linked = foreign
    ? new Set(foreign.filter((e) => e.target === id).map((e) => e.targetHandle ?? ""))
    : new Set(linkedKey ? linkedKey.split("\n") : []);
  const inputs = pinsOf(block.inputSchema).filter((p) => !p.hidden);
  const outputs = pinsOf(block.outputSchema);
  const hasAdvanced = inputs.some((p) => p.advanced);
  const outputCount = run ? Object.values(run.outputs).reduce((n, v) => n + v.length, 0) : 0;
  const border = errors
    ? "border-red-600"
    : run
      ? STATUS_BORDER[run.status] ?? "border-neutral-300"
      : selected
        ? "border-indigo-500"
        : "border-neutral-300 dark:border-neutral-600";

  const renderInput = (p: PinSpec) => {
    const nesting = nestingOf(p.schema);
    const subPins = data.extraPins.filter((x) => parentPin(x) === p.name);
    return (
      <div key={p.name} className="relative py-1" data-testid={`in-${p.name}`}>
        <div className="flex items-center gap-1">
          <Pin id={p.name} side="in" kind={p.kind} label={p.title} linked={linked.has(p.name)} />
          <span className="text-xs font-medium">
            {p.title}
            {p.required && <span aria-hidden className="text-red-600"> *</span>}
          </span>
          {nesting && (
            <button
              type="button"
              className="nodrag ml-auto rounded px-1 text-xs text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-neutral-700"
              aria-label={`+ ${nesting === LIST ? "item" : nesting === FIELD ? "field" : "key"}: add a pin to ${p.title}`}
              onClick={() => {
                const key =
                  nesting === LIST
                    ? String(subPins.length)
                    : window.prompt(nesting === DICT ? "Key name" : "Field name")?.trim();
                if (key) addPin(id, `${p.name}${nesting}${key}`);
              }}
            >
              + {nesting === LIST ? "item" : nesting === FIELD ? "field" : "key"}
            </button>
          )}
        </div>
        {subPins.map((sub) => (
          <div key={sub} className="ml-4 flex items-center gap-1 py-0.5" data-testid={`in-${sub}`}>
            <Pin id={sub} side="in" kind={nestedKind(p.schema, sub)} label={sub} linked={linked.has(sub)} />
            <span className="text-xs">{sub.slice(p.name.length + 3)}</span>
            <button
              type="button"
              className="nodrag ml-auto rounded px-1 text-xs text-neutral-600 dark:text-neutral-400 hover:text-red-600"
              aria-label={`remove pin ${sub}`}
              onClick={() => removePin(id, sub)}
            >
              ×
            </button>
          </div>
        ))}
        {!linked.has(p.name) && (!p.advanced || advanced) && (
          <div className="ml-3 mt-0.5">
            <SchemaField
              name={p.name}
              schema={p.schema}
              value={data.values[p.name]}
              onChange={(v) => setValue(id, p.name, v)}
              error={errors?.[p.name]}
              hideLabel
            />
          </div>
        )}
        {linked.has(p.name) && errors?.[p.name] && (
          <p className="ml-3 text-xs text-red-600">{errors[p.name]}</p>
        )}
      </div>
    );
  };

  return (
    <div
      className={`w-72 rounded-lg border-2 bg-white text-neutral-900 shadow-sm dark:bg-neutral-800 dark:text-neutral-100 ${border}`}
      data-testid="block-node"
      data-block={block.name}
      data-status={run?.status ?? ""}
    >
      <div
        className="flex items-center gap-2 rounded-t-md px-3 py-2 text-sm font-semibold text-white"
        style={{ background: categoryColour(block) }}
      >
        <span className="truncate">{displayName(block.name)}</span>
        {run?.status === "RUNNING" && <span className="ml-auto animate-spin" aria-label="running">◌</span>}
        {run && outputCount > 0 && (
          <button
            type="button"
            className="nodrag ml-auto rounded-full bg-white/25 px-2 text-xs"
            aria-label={`${outputCount} outputs`}
            aria-pressed={!showOutputs}
            onClick={() => setShowOutputs((v) => !v)}
          >
            {outputCount}
          </button>
        )}
      </div>
      {errors?.[""] && <p className="px-3 pt-1 text-xs text-red-600">{errors[""]}</p>}
      <div className="grid grid-cols-[1fr_auto] gap-x-2 px-3 py-1">
        <div>
          {inputs.filter((p) => !p.advanced).map(renderInput)}
          {hasAdvanced && (
            <>
              <button
                type="button"
                className="nodrag mt-1 text-xs text-indigo-700 dark:text-indigo-300"
                aria-expanded={advanced}
                onClick={() => setAdvanced((v) => !v)}
              >
                {advanced ? "▾ Hide optional fields" : "▸ Optional fields"}
              </button>
              {/* Folded fields keep their pins: only the widgets wait for the toggle. */}
              {inputs.filter((p) => p.advanced).map(renderInput)}
            </>
          )}
        </div>
        <div className="flex flex-col items-end">
          {outputs.map((p) => (
            <div key={p.name} className="flex items-center gap-1 py-1" data-testid={`out-${p.name}`}>
              <span className={`text-xs ${p.name === "error" ? "text-red-600" : ""}`}>{p.title}</span>
              <Pin id={p.name} side="out" kind={p.kind} label={p.title} />
            </div>
          ))}
        </div>
      </div>
      {run && outputCount > 0 && !showOutputs && (
        <div className="nodrag nowheel max-h-40 overflow-auto border-t border-neutral-200 px-3 py-2 text-xs dark:border-neutral-700" data-testid="node-outputs">
          {Object.entries(run.outputs).map(([pin, values]) =>
            values.map((v, i) => (
              <div key={`${pin}-${i}`} className="font-mono">
                <span className="text-neutral-600 dark:text-neutral-400">{pin}:</span>{" "}
                {typeof v === "string" ? v : JSON.stringify(v)}
              </div>
            )),
          )}
        </div>
      )}
    </div>
  );
}, sameDrawing);
