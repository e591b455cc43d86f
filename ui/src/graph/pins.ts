//! Pins from a block's JSON Schema: their kind, colour, nesting (`_#_`, `_$_`, `_@_`) and which
//! connections fit.
import type { JsonSchema } from "./types";

export type PinKind =
  | "text"
  | "number"
  | "boolean"
  | "list"
  | "object"
  | "any"
  | "credentials"
  | "file";

export const PIN_COLOURS: Record<PinKind, string> = {
  text: "#16a34a",
  number: "#2563eb",
  boolean: "#d97706",
  list: "#9333ea",
  object: "#db2777",
  any: "#6b7280",
  credentials: "#0891b2",
  file: "#65a30d",
};

/** AutoGPT's nested pin delimiters: dict key, list index, object field. */
export const DICT = "_#_";
export const LIST = "_$_";
export const FIELD = "_@_";

/** The schema itself when it is `anyOf [X, null]`, else the first real branch. */
export function resolve(schema: JsonSchema | undefined): JsonSchema {
  if (!schema) return {};
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches && branches.length) {
    const real = branches.filter((b) => b.type !== "null");
    const first = real[0] ?? {};
    return { ...first, ...withoutBranches(schema), type: first.type };
  }
  if (Array.isArray(schema.type)) {
    return { ...schema, type: schema.type.find((t) => t !== "null") };
  }
  return schema;
}

function withoutBranches(schema: JsonSchema): JsonSchema {
  const { anyOf: _a, oneOf: _o, type: _t, ...rest } = schema;
  return rest;
}

export function isCredentials(name: string, schema: JsonSchema): boolean {
  return (
    !!schema.credentials_provider ||
    name === "credentials" ||
    name.endsWith("_credentials")
  );
}

export function pinKind(name: string, raw: JsonSchema | undefined): PinKind {
  const schema = resolve(raw);
  if (isCredentials(name, schema)) return "credentials";
  if (schema.format === "file" || schema.format === "data-url") return "file";
  switch (schema.type) {
    case "string":
      return "text";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return "list";
    case "object":
      return "object";
    default:
      return "any";
  }
}

/** Why `source` cannot feed `sink`, or null when it can (AutoGPT coerces the rest). */
export function incompatibility(source: PinKind, sink: PinKind): string | null {
  if (source === "any" || sink === "any" || source === sink) return null;
  if (source === "credentials" || sink === "credentials")
    return `${source} cannot feed ${sink}`;
  if (sink === "text" || sink === "file") return null;
  if (sink === "number" && (source === "text" || source === "boolean")) return null;
  if (sink === "boolean" && (source === "text" || source === "number")) return null;
  if ((sink === "list" || sink === "object") && source === "text") return null;
  return `${source} cannot feed ${sink === "list" ? "a list" : sink === "object" ? "an object" : sink}`;
}

/** The parent pin of a nested pin name (`values_#_name` → `values`), or the name itself. */
export function parentPin(name: string): string {
  let cut = name.length;
  for (const d of [DICT, LIST, FIELD]) {
    const i = name.indexOf(d);
    if (i > 0 && i < cut) cut = i;
  }
  return name.slice(0, cut);
}

/** The kind a nested pin carries, from its parent's schema. */
export function nestedKind(parent: JsonSchema | undefined, name: string): PinKind {
  const schema = resolve(parent);
  const rest = name.slice(parentPin(name).length);
  if (rest.startsWith(LIST)) return pinKind("", schema.items);
  if (rest.startsWith(DICT)) {
    const ap = schema.additionalProperties;
    return typeof ap === "object" ? pinKind("", ap) : "any";
  }
  if (rest.startsWith(FIELD)) {
    const field = rest.slice(FIELD.length);
    return pinKind(field, schema.properties?.[field]);
  }
  return "any";
}

/** Which delimiter a pin of this schema takes for nested sub-pins, if any. */
export function nestingOf(raw: JsonSchema | undefined): string | null {
  const schema = resolve(raw);
  if (schema.type === "array") return LIST;
  if (schema.type === "object") return schema.properties ? FIELD : DICT;
  return null;
}

export interface PinSpec {
  name: string;
  schema: JsonSchema;
  kind: PinKind;
  title: string;
  required: boolean;
  advanced: boolean;
  hidden: boolean;
}

/** The pins of one side of a block, in schema order, `error` last. */
/** Pins per schema object: every node of a block shares its schema, so a big graph of a few
 * blocks works each out once. */
const pinsCache = new WeakMap<JsonSchema, PinSpec[]>();

export function pinsOf(schema: JsonSchema | undefined): PinSpec[] {
  if (!schema) return [];
  const cached = pinsCache.get(schema);
  if (cached) return cached;
  const pins = computePins(schema);
  pinsCache.set(schema, pins);
  return pins;
}

function computePins(schema: JsonSchema): PinSpec[] {
  const props = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  const pins = Object.entries(props).map(([name, s]) => ({
    name,
    schema: s,
    kind: pinKind(name, s),
    title: s.title ?? name,
    required: required.has(name),
    advanced: isAdvanced(s, required.has(name)),
    hidden: !!s.hidden,
  }));
  pins.sort((a, b) => Number(a.name === "error") - Number(b.name === "error"));
  return pins;
}

/** Folded on the node: marked advanced, or optional with a default or a null. Most blocks do
 * not mark their fields, and a node that shows every optional field is too tall to work with. */
function isAdvanced(s: JsonSchema, required: boolean): boolean {
  if (s.advanced !== undefined) return !!s.advanced;
  // A block that needs credentials fails without them: the picker always shows.
  if (s.credentials_provider) return false;
  if (required) return false;
  const nullable =
    (Array.isArray(s.type) && s.type.includes("null")) || !!s.anyOf?.some((b) => b.type === "null");
  return s.default !== undefined || nullable;
}

/** The kind of any pin name (nested or not) against a block side's schema. */
export function kindOfPin(schema: JsonSchema | undefined, name: string): PinKind {
  const parent = parentPin(name);
  const parentSchema = schema?.properties?.[parent];
  if (parent === name) return pinKind(name, parentSchema);
  return nestedKind(parentSchema, name);
}
