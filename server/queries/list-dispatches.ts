import type { Fragment } from 'postgres';

import type { Sql } from '../../db/client';
import type { Caller } from '../auth/caller';
import { allOf, anyOf, equalTo, UUID, within } from './conditions';
import {
  afterCursor,
  type Page,
  type PageRequest,
  pageOrder,
  toPage,
} from './page';
import { tenantScope } from './tenant-scope';

export type DispatchSummary = {
  id: string;
  eventId: string;
  handler: string;
  tenantId: string;
  branchId: string | null;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'dead';
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  /** What the handler decided, e.g. `{"result":"confirmed","anomalies":[]}`. */
  outcome: unknown;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  md5: string;
  hash: string;
};

export type DispatchFilters = {
  tenantId?: string;
  branchId?: string;
  status?: DispatchSummary['status'];
  handler?: string;
  eventId?: string;
  from?: string;
  to?: string;
  /** A dispatch or event id, md5 or transaction hash. */
  search?: string;
};

/** The summary columns, for a query over `dispatches x join events e`. */
export function dispatchColumns(sql: Sql): Fragment {
  return sql`
    x.id, x.event_id as "eventId", x.handler, x.tenant_id as "tenantId",
    x.branch_id as "branchId", x.status, x.attempts, x.max_attempts as "maxAttempts",
    x.last_error as "lastError", x.outcome,
    to_json(x.created_at) #>> '{}' as "createdAt",
    to_json(x.updated_at) #>> '{}' as "updatedAt",
    to_json(x.started_at) #>> '{}' as "startedAt",
    to_json(x.finished_at) #>> '{}' as "finishedAt",
    e.correlation_key as md5, e.provider_event_id as hash
  `;
}

function searchDispatches(sql: Sql, text: string): Fragment {
  const lower = text.toLowerCase();
  const matches = [
    sql`e.correlation_key = ${lower}`,
    sql`e.provider_event_id = ${lower}`,
  ];
  if (UUID.test(text))
    matches.push(sql`x.id = ${lower}::uuid`, sql`x.event_id = ${lower}::uuid`);
  return anyOf(sql, matches);
}

/** Dispatches newest first: every handler run of the caller's tenants. */
export async function listDispatches(
  sql: Sql,
  caller: Caller,
  filters: DispatchFilters,
  page: PageRequest,
): Promise<Page<DispatchSummary>> {
  const where = allOf(sql, [
    tenantScope(sql, caller, 'x.tenant_id'),
    ...equalTo(sql, 'x.tenant_id', filters.tenantId),
    ...equalTo(sql, 'x.branch_id', filters.branchId),
    ...equalTo(sql, 'x.status', filters.status),
    ...equalTo(sql, 'x.handler', filters.handler),
    ...(filters.eventId === undefined
      ? []
      : [sql`x.event_id = ${filters.eventId}::uuid`]),
    ...within(sql, 'x.created_at', filters),
    ...(filters.search === undefined
      ? []
      : [searchDispatches(sql, filters.search)]),
    ...afterCursor(sql, page, 'x.created_at', 'x.id'),
  ]);
  const rows = await sql<DispatchSummary[]>`
    select ${dispatchColumns(sql)}
    from dispatches x join events e on e.id = x.event_id
    where ${where}
    ${pageOrder(sql, page, 'x.created_at', 'x.id')}
    limit ${page.limit + 1}
  `;
  return toPage(rows, page.limit, (row) => ({ at: row.createdAt, id: row.id }));
}
