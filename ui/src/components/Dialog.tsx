//! A modal dialog on the native `<dialog>` element: focus trapped, Esc closes, labelled.
import { useEffect, useRef } from "react";

export function Dialog({
  open,
  title,
  onClose,
  children,
  wide,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: React.ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-label={title}
      onClose={onClose}
      className={`m-auto w-[calc(100vw-2rem)] ${wide ? "max-w-4xl" : "max-w-lg"} rounded-lg border border-neutral-300 bg-white p-0 text-neutral-900 backdrop:bg-black/40 dark:border-neutral-600 dark:bg-neutral-800 dark:text-neutral-100`}
    >
      {open && (
        <div className="flex max-h-[85vh] flex-col">
          <div className="flex items-center border-b border-neutral-200 px-4 py-3 dark:border-neutral-700">
            <h2 className="text-base font-semibold">{title}</h2>
            <button type="button" className="btn-ghost ml-auto" aria-label="Close" onClick={onClose}>
              ✕
            </button>
          </div>
          <div className="overflow-y-auto p-4">{children}</div>
        </div>
      )}
    </dialog>
  );
}
