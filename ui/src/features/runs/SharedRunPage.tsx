//! `/share/:token`: a shared run's outputs (and inputs when the owner chose), read-only and
//! public: no sign-in, no rail. A revoked or unknown link says so.
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { api, errorMessage, unwrap } from "../../api/client";
import { show } from "./format";

function Values({ title, values }: { title: string; values: Record<string, unknown> }) {
  return (
    <section className="flex flex-col gap-2">
      <h2 className="font-semibold">{title}</h2>
      {Object.keys(values).length === 0 && <p className="text-neutral-600 dark:text-neutral-400">None.</p>}
      <dl className="flex flex-col gap-2">
        {Object.entries(values).map(([k, v]) => (
          <div key={k} className="rounded-md border border-neutral-200 p-2 dark:border-neutral-700" data-testid={`shared-${k}`}>
            <dt className="text-xs font-medium text-neutral-600 dark:text-neutral-400">{k}</dt>
            <dd className="whitespace-pre-wrap break-words font-mono text-sm">
              {Array.isArray(v) ? v.map((x, i) => <div key={i}>{show(x)}</div>) : show(v)}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function SharedRunPage() {
  const { token } = useParams();
  const shared = useQuery({
    queryKey: ["shared", token],
    queryFn: () => unwrap(api.GET("/api/public/shared/{share_token}", { params: { path: { share_token: token! } } })),
    retry: false,
  });
  return (
    <div className="min-h-dvh bg-neutral-100 text-neutral-900 dark:bg-neutral-950 dark:text-neutral-100">
    <main className="mx-auto flex max-w-3xl flex-col gap-4 p-4">
      <p className="text-sm font-bold text-indigo-700 dark:text-indigo-300">Agentry · shared run</p>
      {shared.isLoading && <p role="status">Loading…</p>}
      {shared.error && (
        <p role="alert" className="text-red-700 dark:text-red-300">
          This link does not work: {errorMessage(shared.error)}
        </p>
      )}
      {shared.data && (
        <>
          <h1 className="text-xl font-semibold">{shared.data.graph_name}</h1>
          {shared.data.graph_description && <p>{shared.data.graph_description}</p>}
          <p className="text-sm">
            {shared.data.status} · {new Date(shared.data.created_at).toLocaleString()}
          </p>
          {shared.data.inputs && <Values title="Inputs" values={shared.data.inputs} />}
          <Values title="Outputs" values={shared.data.outputs} />
        </>
      )}
    </main>
    </div>
  );
}
