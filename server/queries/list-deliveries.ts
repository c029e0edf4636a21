import type { Fragment, PendingQuery } from 'postgres';

import type { Sql } from '../../db/client';
import { type Caller, isMasked } from '../auth/caller';
import type { DeliveryOutcome } from '../ingest/record-delivery';
import { allOf, anyOf, equalTo, UUID, within } from './conditions';
import {
  afterCursor,
  type Page,
  type PageRequest,
  pageOrder,
  toPage,
} from './page';
import { tenantScope } from './tenant-scope';

export type DeliverySummary = {
  id: string;
  provider: string;
  receivedAt: string;
  method: string;
  /** `webhook-id` as received. */
  messageId: string | null;
  requestId: string | null;
  /** Null for a viewer: an address can identify a person. */
  remoteAddress: string | null;
  outcome: DeliveryOutcome;
  reason: string | null;
  detail: string | null;
  statusCode: number;
  bodyBytes: number;
  bodyTruncated: boolean;
  bodySha256: string;
  fingerprint: string | null;
  secretId: string | null;
  eventId: string | null;
  /** Set on a delivery made by `deliveries.reprocess`. */
  reprocessedFrom: string | null;
  /** A delivery's tenant is its event's; null with no event or none yet. */
  tenantId: string | null;
  branchId: string | null;
  /** The event's correlation key (the KHQR md5) and transaction hash. */
  md5: string | null;
  hash: string | null;
};

export type DeliveryFilters = {
  tenantId?: string;
  branchId?: string;
  provider?: string;
  outcome?: DeliveryOutcome;
  /** Why it was refused or quarantined, e.g. `signature_mismatch`. */
  reason?: string;
  eventId?: string;
  from?: string;
  to?: string;
  /**
   * md5, transaction hash, message id, a delivery or event id, or the body's
   * sha256 or fingerprint (which find quarantined deliveries, that have no
   * event and so no md5).
   */
  search?: string;
};

/** The summary columns, for a query over `deliveries d left join events e`. */
export function deliveryColumns(sql: Sql): Fragment {
  return sql`
    d.id, d.provider, to_json(d.received_at) #>> '{}' as "receivedAt", d.method,
    d.message_id as "messageId", d.request_id as "requestId",
    d.remote_address as "remoteAddress", d.outcome, d.reason, d.detail,
    d.status_code as "statusCode", d.body_bytes as "bodyBytes",
    d.body_truncated as "bodyTruncated", d.body_sha256 as "bodySha256",
    d.fingerprint, d.secret_id as "secretId", d.event_id as "eventId",
    d.reprocessed_from as "reprocessedFrom", d.tenant_id as "tenantId",
    e.branch_id as "branchId", e.correlation_key as md5, e.provider_event_id as hash
  `;
}

/** A summary as `caller` may read it. */
export function maskDelivery<T extends DeliverySummary>(
  caller: Caller,
  row: T,
): T {
  return isMasked(caller) ? { ...row, remoteAddress: null } : row;
}

/**
 * The search over deliveries: exact matches, each a lookup in an index of
 * its own. They are a union of lookups, not one OR across deliveries and
 * events, which no index serves: that OR read every delivery (2 s at a
 * million).
 */
function searchDeliveries(sql: Sql, text: string): Fragment {
  const lower = text.toLowerCase();
  const own = [
    sql`message_id = ${text}`,
    sql`body_sha256 = ${lower}`,
    sql`fingerprint = ${lower}`,
  ];
  if (UUID.test(text))
    own.push(sql`id = ${lower}::uuid`, sql`event_id = ${lower}::uuid`);
  const byEvent = anyOf(sql, [
    sql`correlation_key = ${lower}`,
    sql`provider_event_id = ${lower}`,
  ]);
  return sql`d.id in (
    select id from deliveries where ${anyOf(sql, own)}
    union all
    select id from deliveries
     where event_id in (select id from events where ${byEvent})
  )`;
}

/**
 * The SQL of one page of deliveries, not run yet: `listDeliveries` runs it,
 * and the bench times and explains exactly this query.
 */
export function deliveriesPageQuery(
  sql: Sql,
  caller: Caller,
  filters: DeliveryFilters,
  page: PageRequest,
): PendingQuery<DeliverySummary[]> {
  // The tenant is the delivery's own copy of its event's, so that a
  // tenant's page is a range of deliveries_tenant_received_at_idx.
  const where = allOf(sql, [
    tenantScope(sql, caller, 'd.tenant_id'),
    ...equalTo(sql, 'd.tenant_id', filters.tenantId),
    ...equalTo(sql, 'e.branch_id', filters.branchId),
    ...equalTo(sql, 'd.provider', filters.provider),
    ...equalTo(sql, 'd.outcome', filters.outcome),
    ...equalTo(sql, 'd.reason', filters.reason),
    ...(filters.eventId === undefined
      ? []
      : [sql`d.event_id = ${filters.eventId}::uuid`]),
    ...within(sql, 'd.received_at', filters),
    ...(filters.search === undefined
      ? []
      : [searchDeliveries(sql, filters.search)]),
    ...afterCursor(sql, page, 'd.received_at', 'd.id'),
  ]);
  return sql<DeliverySummary[]>`
    select ${deliveryColumns(sql)}
    from deliveries d left join events e on e.id = d.event_id
    where ${where}
    ${pageOrder(sql, page, 'd.received_at', 'd.id')}
    limit ${page.limit + 1}
  `;
}

/**
 * Deliveries newest first, as `caller` may see them: those of its tenants'
 * events, and for an admin over all tenants the ones with no tenant too.
 */
export async function listDeliveries(
  sql: Sql,
  caller: Caller,
  filters: DeliveryFilters,
  page: PageRequest,
): Promise<Page<DeliverySummary>> {
  const rows = await deliveriesPageQuery(sql, caller, filters, page);
  const result = toPage(rows, page.limit, (row) => ({
    at: row.receivedAt,
    id: row.id,
  }));
  return {
    ...result,
    items: result.items.map((row) => maskDelivery(caller, row)),
  };
}
