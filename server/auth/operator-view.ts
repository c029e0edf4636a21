import type { Fragment, TransactionSql } from 'postgres';

import type { Sql } from '../../db/client';
import type { Caller, Role } from './caller';

/** An operator as the admin API shows one: never the password hash. */
export type OperatorView = {
  id: string;
  username: string;
  role: Role;
  tenants: Caller['tenants'];
  disabled: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  lastSignedInAt: string | null;
};

/** The columns of OperatorView, for a query over `operators o`. */
export function operatorColumns(sql: Sql | TransactionSql): Fragment {
  return sql`
    o.id, o.username, o.role,
    case when o.tenant_ids is null then to_jsonb('all'::text) else to_jsonb(o.tenant_ids) end
      as tenants,
    o.disabled, to_json(o.created_at) #>> '{}' as "createdAt", o.created_by as "createdBy",
    to_json(o.updated_at) #>> '{}' as "updatedAt",
    to_json(o.last_signed_in_at) #>> '{}' as "lastSignedInAt"
  `;
}

/** Usernames are compared lowercase: `Alice` and `alice` are one person. */
export const USERNAME = /^[a-z0-9._-]{3,64}$/;

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** A caller's tenants as the table stores them: null for every tenant. */
export function tenantsToColumn(tenants: Caller['tenants']): string[] | null {
  return tenants === 'all' ? null : [...tenants];
}
