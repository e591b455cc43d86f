//! `/settings/credits`: the balance, the ledger (top-ups, usage per run, grants, refunds, each
//! with the balance after it), buying credits through the payment provider's checkout, and for
//! administrators a grant to any account. Shown only when the server keeps credits. The
//! provider's checkout comes back here with `?done=1`; the credits arrive with its webhook, so
//! the page reads the balance again for a while until they show.
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import { Progress } from "../../components/Progress";
import { toast } from "../../components/toast";
import { FormError } from "../auth/AuthForm";
import { useSession } from "../auth/session";
import { CREDITS, dollars, useCredits, useLedger } from "./credits";

function TopUp() {
  const [amount, setAmount] = useState(500);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      aria-label="Buy credits"
      className="flex flex-wrap items-end gap-2"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const r = await unwrap(api.POST("/api/credits", { body: { credit_amount: amount } }));
          window.location.assign(r.checkout_url);
        } catch (err) {
          setError(errorMessage(err));
          setBusy(false);
        }
      }}
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="topup" className="text-sm font-medium">Buy credits</label>
        <input id="topup" type="number" min={1} className="input w-32" value={amount} onChange={(e) => setAmount(Number(e.target.value))} />
      </div>
      <button type="submit" className="btn" disabled={busy}>Buy ({dollars(amount)})</button>
      <FormError error={error} />
    </form>
  );
}

function Grant() {
  const client = useQueryClient();
  const users = useQuery({ queryKey: ["admin-users"], queryFn: () => unwrap(api.GET("/api/admin/users")) });
  const [userId, setUserId] = useState("");
  const [amount, setAmount] = useState(1000);
  const [comments, setComments] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      aria-label="Grant credits"
      className="flex flex-col gap-2 rounded-md border border-neutral-200 bg-white p-3 dark:border-neutral-700 dark:bg-neutral-900"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          const r = await unwrap(api.POST("/api/credits/admin/add_credits", { body: { user_id: userId, amount, comments } }));
          toast.info(`Granted; their balance is ${r.new_balance} credits`);
          setComments("");
          void client.invalidateQueries({ queryKey: CREDITS });
        } catch (err) {
          setError(errorMessage(err));
        }
      }}
    >
      <h2 className="font-semibold">Grant credits (admin)</h2>
      <label htmlFor="grant-user" className="text-sm font-medium">Account</label>
      <select id="grant-user" className="input" required value={userId} onChange={(e) => setUserId(e.target.value)}>
        <option value="">Choose an account</option>
        {(users.data ?? []).map((u) => (
          <option key={u.id} value={u.id}>{u.email}</option>
        ))}
      </select>
      <label htmlFor="grant-amount" className="text-sm font-medium">Credits</label>
      <input id="grant-amount" type="number" min={1} className="input w-32" value={amount} onChange={(e) => setAmount(Number(e.target.value))} />
      <label htmlFor="grant-why" className="text-sm font-medium">Why</label>
      <input id="grant-why" className="input" required value={comments} onChange={(e) => setComments(e.target.value)} />
      <FormError error={error} />
      <button type="submit" className="btn-primary self-start">Grant</button>
    </form>
  );
}

/** After a checkout: re-reads the balance and the ledger every 2 s for a minute. */
function usePaymentReturn() {
  const [params] = useSearchParams();
  const client = useQueryClient();
  const done = params.get("done") === "1";
  useEffect(() => {
    if (!done) return;
    let left = 30;
    const timer = setInterval(() => {
      void client.invalidateQueries({ queryKey: CREDITS });
      if (--left === 0) clearInterval(timer);
    }, 2000);
    return () => clearInterval(timer);
  }, [done, client]);
  return done;
}

export function CreditsPage() {
  const credits = useCredits();
  const paid = usePaymentReturn();
  const admin = useSession((s) => s.user?.role === "admin");
  const ledger = useLedger(!!credits.data?.enabled);
  if (credits.isLoading) return <Progress label="Loading your balance…" />;
  if (credits.error) return <p role="alert">{errorMessage(credits.error)}</p>;
  if (!credits.data?.enabled) return <p>Credits are off on this server: runs cost nothing.</p>;
  const rows = ledger.data?.pages.flatMap((p) => p.transactions) ?? [];
  return (
    <div className="flex flex-col gap-4">
      <p className="text-lg" data-testid="balance">
        Balance: <strong>{credits.data.credits} credits</strong> ({dollars(credits.data.credits)})
      </p>
      {paid && (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-900 dark:bg-green-950 dark:text-green-100">
          Thank you: your credits are added as soon as the payment provider confirms the payment.
        </p>
      )}
      <TopUp />
      {admin && <Grant />}
      <section className="flex flex-col gap-2">
        <h2 className="font-semibold">History</h2>
        {ledger.isLoading && <Progress label="Loading the history…" />}
        {ledger.error && <p role="alert">{errorMessage(ledger.error)}</p>}
        {rows.length === 0 && !ledger.isLoading && <p className="text-sm">No transactions yet.</p>}
        {rows.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="ledger">
              <thead>
                <tr className="text-left text-xs text-neutral-600 dark:text-neutral-400">
                  <th className="py-1 pr-3">When</th>
                  <th className="pr-3">Kind</th>
                  <th className="pr-3 text-right">Amount</th>
                  <th className="pr-3 text-right">Balance</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.transaction_key} className="border-t border-neutral-200 dark:border-neutral-700">
                    <td className="py-1 pr-3">{new Date(t.transaction_time).toLocaleString()}</td>
                    <td className="pr-3">{t.transaction_type}</td>
                    <td className={`pr-3 text-right font-mono ${t.amount < 0 ? "text-red-700 dark:text-red-300" : "text-green-800 dark:text-green-300"}`}>{t.amount > 0 ? `+${t.amount}` : t.amount}</td>
                    <td className="pr-3 text-right font-mono">{t.running_balance}</td>
                    <td>
                      {t.usage_execution_id ? (
                        <Link className="underline" to={`/runs/${t.usage_execution_id}`}>run {t.usage_execution_id.slice(0, 8)}</Link>
                      ) : (
                        String(t.extra_data.reason ?? "")
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {ledger.hasNextPage && (
          <button type="button" className="btn self-start" disabled={ledger.isFetchingNextPage} onClick={() => void ledger.fetchNextPage()}>
            {ledger.isFetchingNextPage ? "Loading…" : "Older"}
          </button>
        )}
      </section>
    </div>
  );
}
