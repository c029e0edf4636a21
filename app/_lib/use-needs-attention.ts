'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { useRefresh } from './refresh';
import { useTRPC } from './trpc';

/** How many rows are counted; past it the console says "100+". */
export const COUNT_CAP = 100;

export type Counted = { count: number; capped: boolean };

export type NeedsAttention = {
  dead: Counted;
  failed: Counted;
  open: Counted;
  /** Open anomalies by kind, among the ones counted. */
  openByKind: [string, number][];
  loaded: boolean;
};

function counted(
  page: { items: unknown[]; nextCursor: string | null } | undefined,
): Counted {
  return { count: page?.items.length ?? 0, capped: page?.nextCursor != null };
}

/**
 * What waits for a person right now, whatever its age: the overview's
 * statistics count only rows made in the chosen window, and a dispatch that
 * died two days ago must not vanish from the front page. The API has no
 * count for this, so the first page of each list is counted, up to a cap.
 */
export function useNeedsAttention(
  tenantId: string | undefined,
): NeedsAttention {
  const trpc = useTRPC();
  const { interval } = useRefresh();
  const options = {
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  };
  const page = { tenantId, limit: COUNT_CAP };
  const dead = useQuery({
    ...trpc.dispatches.list.queryOptions({ ...page, status: 'dead' }),
    ...options,
  });
  const failed = useQuery({
    ...trpc.dispatches.list.queryOptions({ ...page, status: 'failed' }),
    ...options,
  });
  const open = useQuery({
    ...trpc.anomalies.list.queryOptions({ ...page, status: 'open' }),
    ...options,
  });
  const byKind = new Map<string, number>();
  for (const anomaly of open.data?.items ?? []) {
    byKind.set(anomaly.kind, (byKind.get(anomaly.kind) ?? 0) + 1);
  }
  return {
    dead: counted(dead.data),
    failed: counted(failed.data),
    open: counted(open.data),
    openByKind: [...byKind].sort((a, b) => b[1] - a[1]),
    loaded:
      dead.data !== undefined &&
      failed.data !== undefined &&
      open.data !== undefined,
  };
}

export function showCount({ count, capped }: Counted): string {
  return capped ? `${count}+` : String(count);
}
