import type { Fragment, PendingQuery, TransactionSql } from 'postgres';

import type { Sql } from '../../db/client';
import { type Caller, isMasked } from '../auth/caller';
import { allOf, anyOf, equalTo, UUID, within } from './conditions';
import { maskPersonalData } from './mask-personal-data';
import {
  afterCursor,
  type Page,
  type PageRequest,
  pageOrder,
  toPage,
} from './page';
import { tenantScope } from './tenant-scope';

export type AnomalySummary = {
  id: string;
  kind: string;
  status: 'open' | 'acknowledged' | 'resolved';
  /** Null until the tenant is known: then for an admin over all tenants only. */
  tenantId: string | null;
  branchId: string | null;
  eventId: string | null;
  deliveryId: string | null;
  subject: string;
  /** Expected and received values; payer account ids masked for a viewer. */
  detail: unknown;
  occurrences: number;
  openedAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
};

export type AnomalyFilters = {
  tenantId?: string;
  branchId?: string;
  kind?: string;
  status?: AnomalySummary['status'];
  eventId?: string;
  deliveryId?: string;
  from?: string;
  to?: string;
  /** An anomaly, event or delivery id, its subject, md5 or transaction hash. */
  search?: string;
};

/** The columns, for a query over `anomalies a`. */
export function anomalyColumns(sql: Sql | TransactionSql): Fragment {
  return sql`
    a.id, a.kind, a.status, a.tenant_id as "tenantId", a.branch_id as "branchId",
    a.event_id as "eventId", a.delivery_id as "deliveryId", a.subject, a.detail,
    a.occurrences, to_json(a.opened_at) #>> '{}' as "openedAt",
    to_json(a.last_seen_at) #>> '{}' as "lastSeenAt",
    to_json(a.acknowledged_at) #>> '{}' as "acknowledgedAt",
    a.acknowledged_by as "acknowledgedBy",
    to_json(a.resolved_at) #>> '{}' as "resolvedAt", a.resolved_by as "resolvedBy",
    a.resolution_note as "resolutionNote"
  `;
}

/** An anomaly as `caller` may read it. */
export function maskAnomaly(
  caller: Caller,
  row: AnomalySummary,
): AnomalySummary {
  return isMasked(caller)
    ? { ...row, detail: maskPersonalData(row.detail) }
    : row;
}

/** A union of index lookups: an OR across anomalies and events reads all. */
function searchAnomalies(sql: Sql, text: string): Fragment {
  const lower = text.toLowerCase();
  const own = [sql`subject = ${text}`];
  if (UUID.test(text)) {
    own.push(
      sql`id = ${lower}::uuid`,
      sql`event_id = ${lower}::uuid`,
      sql`delivery_id = ${lower}::uuid`,
    );
  }
  const byEvent = anyOf(sql, [
    sql`correlation_key = ${lower}`,
    sql`provider_event_id = ${lower}`,
  ]);
  return sql`a.id in (
    select id from anomalies where ${anyOf(sql, own)}
    union all
    select id from anomalies
     where event_id in (select id from events where ${byEvent})
  )`;
}

/**
 * The SQL of one page of anomalies, not run yet: `listAnomalies` runs it,
 * and the bench times and explains exactly this query.
 */
export function anomaliesPageQuery(
  sql: Sql,
  caller: Caller,
  filters: AnomalyFilters,
  page: PageRequest,
): PendingQuery<AnomalySummary[]> {
  const where = allOf(sql, [
    tenantScope(sql, caller, 'a.tenant_id'),
    ...equalTo(sql, 'a.tenant_id', filters.tenantId),
    ...equalTo(sql, 'a.branch_id', filters.branchId),
    ...equalTo(sql, 'a.kind', filters.kind),
    ...equalTo(sql, 'a.status', filters.status),
    ...(filters.eventId === undefined
      ? []
      : [sql`a.event_id = ${filters.eventId}::uuid`]),
    ...(filters.deliveryId === undefined
      ? []
      : [sql`a.delivery_id = ${filters.deliveryId}::uuid`]),
    ...within(sql, 'a.opened_at', filters),
    ...(filters.search === undefined
      ? []
      : [searchAnomalies(sql, filters.search)]),
    ...afterCursor(sql, page, 'a.opened_at', 'a.id'),
  ]);
  return sql<AnomalySummary[]>`
    select ${anomalyColumns(sql)}
    from anomalies a
    where ${where}
    ${pageOrder(sql, page, 'a.opened_at', 'a.id')}
    limit ${page.limit + 1}
  `;
}

/** The anomaly queue, newest first; filter on status for what is left to do. */
export async function listAnomalies(
  sql: Sql,
  caller: Caller,
  filters: AnomalyFilters,
  page: PageRequest,
): Promise<Page<AnomalySummary>> {
  const rows = await anomaliesPageQuery(sql, caller, filters, page);
  const result = toPage(rows, page.limit, (row) => ({
    at: row.openedAt,
    id: row.id,
  }));
  return {
    ...result,
    items: result.items.map((row) => maskAnomaly(caller, row)),
  };
}
