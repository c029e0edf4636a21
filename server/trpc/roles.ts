import { TRPCError } from '@trpc/server';

import type { Caller } from '../auth/caller';

/** Who may read: every role, each within its own tenants. */
export const READERS = ['admin', 'operator', 'viewer', 'service'] as const;

/** Who may act on rows: retry, replay, reprocess, acknowledge, resolve. */
export const ACTORS = ['admin', 'operator'] as const;

/**
 * Managing tokens and operators hands out access to every tenant, so it
 * takes an admin over all of them. Admins are always issued that way; this
 * refuses an admin some other path limited to a list.
 */
export function requireAllTenants(caller: Caller, path: string): void {
  if (caller.tenants !== 'all') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `${path} needs an admin over all tenants; caller ${caller.id} has a tenant list.`,
    });
  }
}
