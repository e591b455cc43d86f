//! Toasts: failures with the API's own message, and short confirmations.
import { create } from "zustand";

interface Toast {
  id: number;
  kind: "error" | "info";
  text: string;
}

let next = 1;
export const useToasts = create<{ toasts: Toast[]; push(kind: Toast["kind"], text: string): void; dismiss(id: number): void }>()(
  (set) => ({
    toasts: [],
    push: (kind, text) => {
      const id = next++;
      set((s) => ({ toasts: [...s.toasts.slice(-3), { id, kind, text }] }));
      setTimeout(() => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), kind === "error" ? 10000 : 3000);
    },
    dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  }),
);

export const toast = {
  error: (text: string) => useToasts.getState().push("error", text),
  info: (text: string) => useToasts.getState().push("info", text),
};

export function Toaster() {
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  return (
    <div className="pointer-events-none fixed bottom-16 right-4 z-50 flex flex-col gap-2 sm:bottom-4" aria-live="assertive">
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.kind === "error" ? "alert" : "status"}
          className={`pointer-events-auto flex max-w-sm items-start gap-2 rounded-md px-3 py-2 text-sm shadow-lg ${
            t.kind === "error" ? "bg-red-700 text-white" : "bg-neutral-800 text-white dark:bg-neutral-200 dark:text-neutral-900"
          }`}
        >
          <span className="flex-1">{t.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
