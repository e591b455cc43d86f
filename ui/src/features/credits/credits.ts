//! The caller's credits: the balance (and whether the server keeps credits at all) and the
//! ledger a page at a time.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";

export const CREDITS = ["credits"] as const;

export function useCredits() {
  return useQuery({
    queryKey: CREDITS,
    queryFn: () => unwrap(api.GET("/api/credits")),
    staleTime: 30_000,
  });
}

/** True when the server keeps credits; false while unknown. */
export function useCreditsEnabled() {
  return useCredits().data?.enabled ?? false;
}

export function useLedger(enabled: boolean) {
  return useInfiniteQuery({
    queryKey: [...CREDITS, "ledger"],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/credits/transactions", { params: { query: { transaction_count_limit: 25, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
}

/** 100 credits are one dollar. */
export const dollars = (credits: number) => `$${(credits / 100).toFixed(2)}`;
