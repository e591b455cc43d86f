//! One input widget chosen from a JSON Schema property: text, multiline, number, toggle,
//! dropdown, date/time, secret, JSON editor for objects and lists, credentials picker.
import { memo, useEffect, useId, useState } from "react";
import { isCredentials, resolve } from "../../graph/pins";
import type { JsonSchema } from "../../graph/types";
import { CredentialPicker } from "../credentials/CredentialPicker";

export interface SchemaFieldProps {
  name: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  error?: string;
  /** The node's pin row already shows the name: keep the label for screen readers only. */
  hideLabel?: boolean;
}

const MULTILINE = /prompt|template|format|text|code|body|message|instructions/i;

export type Widget =
  | "select"
  | "toggle"
  | "number"
  | "date"
  | "datetime"
  | "time"
  | "secret"
  | "multiline"
  | "json"
  | "credentials"
  | "text";

/** Which widget edits a property. */
export function widgetFor(name: string, raw: JsonSchema): Widget {
  const schema = resolve(raw);
  if (isCredentials(name, schema)) return "credentials";
  if (schema.enum) return "select";
  switch (schema.type) {
    case "boolean":
      return "toggle";
    case "integer":
    case "number":
      return "number";
    case "array":
    case "object":
      return "json";
  }
  if (schema.format === "date") return "date";
  if (schema.format === "date-time") return "datetime";
  if (schema.format === "time") return "time";
  if (schema.secret) return "secret";
  if (schema.format === "long-text" || MULTILINE.test(name)) return "multiline";
  return "text";
}

const inputClass =
  "nodrag w-full rounded-md border border-neutral-300 bg-white px-2 py-1 text-sm text-neutral-900 dark:border-neutral-600 dark:bg-neutral-900 dark:text-neutral-100";

export const SchemaField = memo(function SchemaField({
  name,
  schema: raw,
  value,
  onChange,
  error,
  hideLabel,
}: SchemaFieldProps) {
  const id = useId();
  const schema = resolve(raw);
  const widget = widgetFor(name, raw);
  const label = schema.title ?? raw.title ?? name;
  const shown = value ?? schema.default;
  const describedBy = error ? `${id}-error` : undefined;
  let control: React.ReactNode;
  switch (widget) {
    case "select":
      control = (
        <select
          id={id}
          className={inputClass}
          value={shown === undefined ? "" : String(shown)}
          aria-describedby={describedBy}
          onChange={(e) => {
            const pick = schema.enum!.find((v) => String(v) === e.target.value);
            onChange(pick);
          }}
        >
          {shown === undefined && <option value="">Choose…</option>}
          {schema.enum!.map((v) => (
            <option key={String(v)} value={String(v)}>
              {String(v)}
            </option>
          ))}
        </select>
      );
      break;
    case "toggle":
      control = (
        <input
          id={id}
          type="checkbox"
          role="switch"
          className="nodrag h-4 w-4 accent-indigo-600"
          checked={!!shown}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
      break;
    case "number":
      control = (
        <input
          id={id}
          type="number"
          className={inputClass}
          value={shown === undefined || shown === null ? "" : String(shown)}
          step={schema.type === "integer" ? 1 : "any"}
          aria-describedby={describedBy}
          onChange={(e) => {
            const v = e.target.value;
            onChange(v === "" ? undefined : Number(v));
          }}
        />
      );
      break;
    case "date":
    case "datetime":
    case "time":
      control = (
        <input
          id={id}
          type={widget === "datetime" ? "datetime-local" : widget}
          className={inputClass}
          value={typeof shown === "string" ? shown : ""}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
      break;
    case "json":
      control = <JsonEditor id={id} value={shown} onChange={onChange} describedBy={describedBy} />;
      break;
    case "multiline":
      control = (
        <textarea
          id={id}
          rows={3}
          className={`${inputClass} nowheel font-mono`}
          value={shown === undefined || shown === null ? "" : String(shown)}
          placeholder={schema.placeholder}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "credentials":
      control = (
        <CredentialPicker id={id} schema={raw} value={shown} onChange={onChange} describedBy={describedBy} className={inputClass} />
      );
      break;
    default:
      control = (
        <input
          id={id}
          type={widget === "secret" ? "password" : "text"}
          autoComplete="off"
          className={inputClass}
          value={shown === undefined || shown === null ? "" : typeof shown === "string" ? shown : JSON.stringify(shown)}
          placeholder={schema.placeholder}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className={widget === "toggle" ? "flex items-center gap-2" : "flex flex-col gap-1"}>
      <label htmlFor={id} className={hideLabel ? "sr-only" : "text-xs text-neutral-600 dark:text-neutral-300"} title={schema.description}>
        {label}
      </label>
      {control}
      {error && (
        <p id={`${id}-error`} className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
});

/** A JSON text box that reports a parse error instead of saving bad JSON. */
function JsonEditor({
  id,
  value,
  onChange,
  describedBy,
}: {
  id: string;
  value: unknown;
  onChange: (v: unknown) => void;
  describedBy?: string;
}) {
  const [text, setText] = useState(() => (value === undefined ? "" : JSON.stringify(value, null, 2)));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setText((t) => {
      try {
        if (t && JSON.stringify(JSON.parse(t)) === JSON.stringify(value)) return t;
      } catch {
        return t;
      }
      return value === undefined ? "" : JSON.stringify(value, null, 2);
    });
  }, [value]);
  return (
    <>
      <textarea
        id={id}
        rows={3}
        spellCheck={false}
        className={`${inputClass} nowheel font-mono text-xs`}
        value={text}
        aria-invalid={!!problem}
        aria-describedby={problem ? `${id}-json` : describedBy}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) {
            setProblem(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setProblem(null);
          } catch (err) {
            setProblem(`Not valid JSON: ${(err as Error).message}`);
          }
        }}
      />
      {problem && (
        <p id={`${id}-json`} className="text-xs text-red-600 dark:text-red-400">
          {problem}
        </p>
      )}
    </>
  );
}
