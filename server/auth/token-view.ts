import type { Fragment, TransactionSql } from 'postgres';

import type { Sql } from '../../db/client';
import type { Caller, Role } from './caller';

/** An API token as the admin API lists it: never the token or its hash. */
export type TokenView = {
  id: string;
  name: string;
  role: Role;
  tenants: Caller['tenants'];
  /** The token's first characters, to recognise it. */
  prefix: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
};

/** The columns of TokenView, for a query over `api_tokens t`. */
export function tokenColumns(sql: Sql | TransactionSql): Fragment {
  return sql`
    t.id, t.name, t.role,
    case when t.tenant_ids is null then to_jsonb('all'::text) else to_jsonb(t.tenant_ids) end
      as tenants,
    t.prefix, to_json(t.created_at) #>> '{}' as "createdAt", t.created_by as "createdBy",
    to_json(t.last_used_at) #>> '{}' as "lastUsedAt",
    to_json(t.revoked_at) #>> '{}' as "revokedAt", t.revoked_by as "revokedBy"
  `;
}
