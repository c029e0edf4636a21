import type { Fragment } from 'postgres';

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

function searchEvents(sql: Sql, text: string): Fragment {
  const lower = text.toLowerCase();
  const matches = [
    sql`e.correlation_key = ${lower}`,
    sql`e.provider_event_id = ${lower}`,
    sql`exists (select 1 from deliveries d where d.event_id = e.id and d.message_id = ${text})`,
  ];
  if (UUID.test(text)) matches.push(sql`e.id = ${lower}::uuid`);
  return anyOf(sql, matches);
}

/** Events newest first (by when the gateway first stored them). */
export async function listEvents(
  sql: Sql,
  caller: Caller,
  filters: EventFilters,
  page: PageRequest,
): Promise<Page<EventSummary>> {
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
  const rows = await sql<EventRow[]>`
    select ${eventColumns(sql)}
    from events e
    where ${where}
    ${pageOrder(sql, page, 'e.created_at', 'e.id')}
    limit ${page.limit + 1}
  `;
  const result = toPage(rows, page.limit, (row) => ({
    at: row.createdAt,
    id: row.id,
  }));
  return {
    ...result,
    items: result.items.map((row) => toEventSummary(caller, row)),
  };
}
