import type { Sql } from '../../db/client';
import type { Caller } from '../auth/caller';
import { allOf, equalTo, within } from './conditions';
import {
  afterCursor,
  type Page,
  type PageRequest,
  pageOrder,
  toPage,
} from './page';
import { tenantScope } from './tenant-scope';

export type AuditEntryView = {
  id: string;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  tenantId: string | null;
  note: string | null;
  detail: unknown;
};

export type AuditFilters = {
  tenantId?: string;
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
};

/**
 * The audit log, newest first. Entries about a tenant's rows are that
 * tenant's; sign-ins and token or operator changes have no tenant and are
 * for an admin over all tenants only.
 */
export async function listAuditEntries(
  sql: Sql,
  caller: Caller,
  filters: AuditFilters,
  page: PageRequest,
): Promise<Page<AuditEntryView>> {
  const where = allOf(sql, [
    tenantScope(sql, caller, 'l.tenant_id'),
    ...equalTo(sql, 'l.tenant_id', filters.tenantId),
    ...equalTo(sql, 'l.action', filters.action),
    ...equalTo(sql, 'l.actor_id', filters.actorId),
    ...equalTo(sql, 'l.target_type', filters.targetType),
    ...equalTo(sql, 'l.target_id', filters.targetId),
    ...within(sql, 'l.at', filters),
    ...afterCursor(sql, page, 'l.at', 'l.id'),
  ]);
  const rows = await sql<AuditEntryView[]>`
    select
      l.id, to_json(l.at) #>> '{}' as at, l.actor_kind as "actorKind",
      l.actor_id as "actorId", l.actor_name as "actorName", l.action,
      l.target_type as "targetType", l.target_id as "targetId",
      l.tenant_id as "tenantId", l.note, l.detail
    from audit_entries l
    where ${where}
    ${pageOrder(sql, page, 'l.at', 'l.id')}
    limit ${page.limit + 1}
  `;
  return toPage(rows, page.limit, (row) => ({ at: row.at, id: row.id }));
}
