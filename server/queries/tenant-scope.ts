import type { Fragment } from 'postgres';

import type { Sql } from '../../db/client';
import type { Caller } from '../auth/caller';

/**
 * The condition that keeps a caller to its tenants, for a query whose rows
 * carry their tenant in `column` (e.g. `e.tenant_id`). Every list, lookup,
 * count and chart is built with it, so no query decides visibility alone.
 * It matches canSeeTenant (server/auth/caller.ts): rows with no tenant yet
 * are for an admin over all tenants only, since they can hold any
 * tenant's data.
 */
export function tenantScope(
  sql: Sql,
  caller: Caller,
  column: string,
): Fragment {
  if (caller.role === 'admin' && caller.tenants === 'all') return sql`true`;
  if (caller.tenants === 'all') return sql`${sql(column)} is not null`;
  return sql`${sql(column)} = any(${[...caller.tenants]}::text[])`;
}
