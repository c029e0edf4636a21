import type { Fragment, PendingQuery } from 'postgres';

import type { Sql } from '../../db/client';
import { type Caller, isMasked } from '../auth/caller';
import { formatMinor } from '../money/format-minor';
import { allOf, anyOf, equalTo, UUID, within } from './conditions';
import { maskAccountId } from './mask-personal-data';
import {
  afterCursor,
  type Page,
  type PageRequest,
  pageOrder,
  toPage,
} from './page';
import { tenantScope } from './tenant-scope';

export type EventSummary = {
  id: string;
  provider: string;
  kind: string;
  /** The provider's id of the payment: for Bakong, the transaction hash. */
  hash: string;
  /** The correlation key: for Bakong, the KHQR md5. */
  md5: string;
  /** Major units as text: `25000` riel, `4.50` dollars. */
  amount: string;
  amountMinor: string;
  currency: string;
  receiverAccountId: string;
  /** Masked for a viewer. */
  payerAccountId: string | null;
  occurredAt: string;
  acknowledgedAt: string | null;
  /** Null until the payment attempt its md5 names is registered. */
  tenantId: string | null;
  branchId: string | null;
  attemptId: string | null;
  resolvedAt: string | null;
  createdAt: string;
};

export type EventFilters = {
  tenantId?: string;
  branchId?: string;
  provider?: string;
  kind?: string;
  /** true: only events with a tenant; false: only those still waiting. */
  resolved?: boolean;
  from?: string;
  to?: string;
  /** md5, transaction hash, event id, or a delivery's message id. */
  search?: string;
};

/** A row of eventColumns, before formatting and masking. */
export type EventRow = Omit<EventSummary, 'amount'>;

/** The summary columns, for a query over `events e`. */
export function eventColumns(sql: Sql): Fragment {
  return sql`
    e.id, e.provider, e.kind, e.provider_event_id as hash, e.correlation_key as md5,
    e.amount_minor::text as "amountMinor", e.currency,
    e.receiver_account_id as "receiverAccountId", e.payer_account_id as "payerAccountId",
    to_json(e.occurred_at) #>> '{}' as "occurredAt",
    to_json(e.acknowledged_at) #>> '{}' as "acknowledgedAt",
    e.tenant_id as "tenantId", e.branch_id as "branchId", e.attempt_id as "attemptId",
    to_json(e.resolved_at) #>> '{}' as "resolvedAt",
    to_json(e.created_at) #>> '{}' as "createdAt"
  `;
}

/** A row of eventColumns as `caller` may read it. */
export function toEventSummary(caller: Caller, row: EventRow): EventSummary {
  return {
    ...row,
    amount: formatMinor(row.amountMinor, row.currency),
    payerAccountId: isMasked(caller)
      ? maskAccountId(row.payerAccountId)
      : row.payerAccountId,
  };
}

/** A union of index lookups: an OR across events and deliveries reads all. */
function searchEvents(sql: Sql, text: string): Fragment {
  const lower = text.toLowerCase();
  const own = [
    sql`correlation_key = ${lower}`,
    sql`provider_event_id = ${lower}`,
  ];
  if (UUID.test(text)) own.push(sql`id = ${lower}::uuid`);
  return sql`e.id in (
    select id from events where ${anyOf(sql, own)}
    union all
    select event_id from deliveries
     where message_id = ${text} and event_id is not null
  )`;
}

/**
 * The SQL of one page of events, not run yet: `listEvents` runs it, and the
 * bench times and explains exactly this query.
 */
export function eventsPageQuery(
  sql: Sql,
  caller: Caller,
  filters: EventFilters,
  page: PageRequest,
): PendingQuery<EventRow[]> {
  const resolved =
    filters.resolved === undefined
      ? []
      : [
          filters.resolved
            ? sql`e.tenant_id is not null`
            : sql`e.tenant_id is null`,
        ];
  const where = allOf(sql, [
    tenantScope(sql, caller, 'e.tenant_id'),
    ...equalTo(sql, 'e.tenant_id', filters.tenantId),
    ...equalTo(sql, 'e.branch_id', filters.branchId),
    ...equalTo(sql, 'e.provider', filters.provider),
    ...equalTo(sql, 'e.kind', filters.kind),
    ...resolved,
    ...within(sql, 'e.created_at', filters),
    ...(filters.search === undefined
      ? []
      : [searchEvents(sql, filters.search)]),
    ...afterCursor(sql, page, 'e.created_at', 'e.id'),
  ]);
  return sql<EventRow[]>`
    select ${eventColumns(sql)}
    from events e
    where ${where}
    ${pageOrder(sql, page, 'e.created_at', 'e.id')}
    limit ${page.limit + 1}
  `;
}

/** Events newest first (by when the gateway first stored them). */
export async function listEvents(
  sql: Sql,
  caller: Caller,
  filters: EventFilters,
  page: PageRequest,
): Promise<Page<EventSummary>> {
  const rows = await eventsPageQuery(sql, caller, filters, page);
  const result = toPage(rows, page.limit, (row) => ({
    at: row.createdAt,
    id: row.id,
  }));
  return {
    ...result,
    items: result.items.map((row) => toEventSummary(caller, row)),
  };
}
