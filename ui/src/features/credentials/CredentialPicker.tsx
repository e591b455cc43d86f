//! The widget of a credentials input (a node's, or a run's): the user's credentials that fit
//! the input's providers and kinds, and "Add…" to make a new one in place, which is then picked.
import { useState } from "react";
import { createPortal } from "react-dom";
import { Dialog } from "../../components/Dialog";
import type { JsonSchema } from "../../graph/types";
import { AddCredential } from "./AddCredential";
import { asInput, describe, fits, useCredentials, wantedBy } from "./credentials";

export function CredentialPicker({
  id,
  schema,
  value,
  onChange,
  describedBy,
  className,
}: {
  id: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (v: unknown) => void;
  describedBy?: string;
  className: string;
}) {
  const creds = useCredentials();
  const [adding, setAdding] = useState(false);
  const wanted = wantedBy(schema);
  const choices = (creds.data ?? []).filter((c) => fits(c, wanted));
  const chosen = value && typeof value === "object" ? String((value as { id?: string }).id ?? "") : "";
  const missing = chosen && creds.data && !choices.some((c) => c.id === chosen);
  return (
    <div className="flex gap-1">
      <select
        id={id}
        className={className}
        value={chosen}
        aria-describedby={describedBy}
        onChange={(e) => {
          const c = choices.find((c) => c.id === e.target.value);
          onChange(c ? asInput(c) : undefined);
        }}
      >
        <option value="">{creds.isPending ? "Loading…" : choices.length ? "Choose…" : `None: add ${wanted.providers.join(" or ") || "one"}`}</option>
        {missing && <option value={chosen}>Missing (deleted?)</option>}
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {wanted.providers.length > 1 ? `${c.provider}: ` : ""}
            {describe(c)}
          </option>
        ))}
      </select>
      <button type="button" className="nodrag btn-ghost shrink-0 px-1.5 text-xs" onClick={() => setAdding(true)} aria-label={`Add ${wanted.providers.join(" or ")} credentials`}>
        Add…
      </button>
      {/* In a portal: the picker may sit inside the run dialog's form, and forms do not nest;
          `nodrag nopan` keep the canvas from taking the dialog's pointer events. */}
      {createPortal(
        <Dialog open={adding} title={`Add ${wanted.providers.join(" or ")} credentials`} onClose={() => setAdding(false)}>
          <div className="nodrag nopan nowheel">
            <AddCredential
              providers={wanted.providers}
              types={wanted.types}
              onAdded={(c) => {
                setAdding(false);
                if (fits(c, wanted)) onChange(asInput(c));
              }}
            />
          </div>
        </Dialog>,
        document.body,
      )}
    </div>
  );
}
