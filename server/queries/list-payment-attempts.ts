import type { Fragment } from 'postgres';

import type { Sql } from '../../db/client';
import type { Caller } from '../auth/caller';
import { formatMinor } from '../money/format-minor';
import { allOf, anyOf, equalTo, within } from './conditions';
import {
  afterCursor,
  type Page,
  type PageRequest,
  pageOrder,
  toPage,
} from './page';
import { tenantScope } from './tenant-scope';

export type AttemptSummary = {
  id: string;
  md5: string;
  tenantId: string;
  branchId: string | null;
  purpose: 'SALE' | 'SUBSCRIPTION_INVOICE';
  targetRef: string;
  attemptRef: string | null;
  /** Major units as text. */
  amount: string;
  amountMinor: string;
  currency: string;
  receiverAccountId: string;
  issuedAt: string;
  expiresAt: string | null;
  registeredBy: string;
  createdAt: string;
  /** Whether this attempt's payment confirmed its target. */
  confirmed: boolean;
};

export type AttemptFilters = {
  tenantId?: string;
  branchId?: string;
  purpose?: AttemptSummary['purpose'];
  from?: string;
  to?: string;
  /** md5, target reference or attempt reference. */
  search?: string;
};

function searchAttempts(sql: Sql, text: string): Fragment {
  return anyOf(sql, [
    sql`a.md5 = ${text.toLowerCase()}`,
    sql`a.target_ref = ${text}`,
    sql`a.attempt_ref = ${text}`,
  ]);
}

/** Registered payment attempts, newest registration first. */
export async function listPaymentAttempts(
  sql: Sql,
  caller: Caller,
  filters: AttemptFilters,
  page: PageRequest,
): Promise<Page<AttemptSummary>> {
  const where = allOf(sql, [
    tenantScope(sql, caller, 'a.tenant_id'),
    ...equalTo(sql, 'a.tenant_id', filters.tenantId),
    ...equalTo(sql, 'a.branch_id', filters.branchId),
    ...equalTo(sql, 'a.purpose', filters.purpose),
    ...within(sql, 'a.created_at', filters),
    ...(filters.search === undefined
      ? []
      : [searchAttempts(sql, filters.search)]),
    ...afterCursor(sql, page, 'a.created_at', 'a.id'),
  ]);
  const rows = await sql<Omit<AttemptSummary, 'amount'>[]>`
    select
      a.id, a.md5, a.tenant_id as "tenantId", a.branch_id as "branchId", a.purpose,
      a.target_ref as "targetRef", a.attempt_ref as "attemptRef",
      a.amount_minor::text as "amountMinor", a.currency,
      a.receiver_account_id as "receiverAccountId",
      to_json(a.issued_at) #>> '{}' as "issuedAt",
      to_json(a.expires_at) #>> '{}' as "expiresAt",
      a.registered_by as "registeredBy",
      to_json(a.created_at) #>> '{}' as "createdAt",
      exists (select 1 from confirmations c where c.attempt_id = a.id) as confirmed
    from payment_attempts a
    where ${where}
    ${pageOrder(sql, page, 'a.created_at', 'a.id')}
    limit ${page.limit + 1}
  `;
  const result = toPage(rows, page.limit, (row) => ({
    at: row.createdAt,
    id: row.id,
  }));
  return {
    ...result,
    items: result.items.map((row) => ({
      ...row,
      amount: formatMinor(row.amountMinor, row.currency),
    })),
  };
}
