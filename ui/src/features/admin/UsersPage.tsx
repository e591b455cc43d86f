//! `/admin/users`: every account with its role and state; an admin changes a role or disables
//! (enables) an account. The server refuses a change that would leave no enabled admin, and
//! its message is shown.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { toast } from "../../components/toast";
import { FormError } from "../auth/AuthForm";
import { useSession } from "../auth/session";
import { when } from "../settings/format";

type Account = components["schemas"]["AccountView"];
type Change = components["schemas"]["AccountChange"];
const USERS = ["admin", "users"] as const;

function UserRow({ account }: { account: Account }) {
  const client = useQueryClient();
  const me = useSession((s) => s.user?.id) === account.id;
  const change = useMutation({
    mutationFn: (body: Change) => unwrap(api.PATCH("/api/admin/users/{user_id}", { params: { path: { user_id: account.id } }, body })),
    onSuccess: (a) => {
      client.setQueryData<Account[]>(USERS, (list) => list?.map((x) => (x.id === a.id ? a : x)));
      toast.info(`${a.email}: ${a.role}${a.disabled ? ", disabled" : ""}`);
    },
    onError: (e) => toast.error(errorMessage(e)),
  });
  return (
    <tr data-testid="admin-user" className="border-t border-neutral-200 dark:border-neutral-700">
      <td className="break-all px-3 py-2">
        {account.email}
        {account.disabled && <span className="ml-1 text-xs text-red-700 sm:hidden dark:text-red-300">(disabled)</span>}
        {me && <span className="ml-1 text-xs text-neutral-600 dark:text-neutral-400">(you)</span>}
      </td>
      <td className="px-3 py-2">
        <select
          className="input"
          aria-label={`Role of ${account.email}`}
          value={account.role}
          disabled={change.isPending}
          onChange={(e) => change.mutate({ role: e.target.value as Account["role"] })}
        >
          <option value="user">user</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td className="hidden px-3 py-2 sm:table-cell">{account.disabled ? "disabled" : "active"}</td>
      <td className="hidden px-3 py-2 text-xs sm:table-cell">{when(account.created_at)}</td>
      <td className="px-3 py-2 text-right">
        <button
          type="button"
          className="btn"
          disabled={change.isPending}
          aria-label={`${account.disabled ? "Enable" : "Disable"} ${account.email}`}
          onClick={() => change.mutate({ disabled: !account.disabled })}
        >
          {account.disabled ? "Enable" : "Disable"}
        </button>
      </td>
    </tr>
  );
}

export function UsersPage() {
  const users = useQuery({ queryKey: USERS, queryFn: () => unwrap(api.GET("/api/admin/users")) });
  return (
    <section aria-labelledby="users-heading" className="flex flex-col gap-2">
      <h2 id="users-heading" className="text-base font-semibold">Users</h2>
      <p className="text-sm text-neutral-700 dark:text-neutral-300">A disabled account cannot sign in, and its sessions and API keys stop working at once.</p>
      {users.isPending && <p role="status">Loading…</p>}
      {users.error && <FormError error={errorMessage(users.error)} />}
      {users.data && (
        <div tabIndex={0} role="region" aria-label="Accounts" className="relative overflow-x-auto rounded-md border border-neutral-200 bg-white dark:border-neutral-700 dark:bg-neutral-900">
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-neutral-600 dark:text-neutral-400">
              <tr>
                <th className="px-3 py-2 font-medium">Email</th>
                <th className="px-3 py-2 font-medium">Role</th>
                <th className="hidden px-3 py-2 font-medium sm:table-cell">State</th>
                <th className="hidden px-3 py-2 font-medium sm:table-cell">Since</th>
                <th className="px-3 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((a) => (
                <UserRow key={a.id} account={a} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
