import type { Sql } from '../../db/client';
import { type Caller, type Role, tenantsFromColumn } from './caller';
import type { SessionData } from './session-cookie';

type Row = {
  id: string;
  username: string;
  role: Role;
  tenantIds: string[] | null;
};

/**
 * The operator a session cookie names, read afresh on every request: a
 * disabled operator, a changed role or tenant list, or a session older than
 * the last sign-out or password change takes effect on the next call.
 */
export async function findOperatorCaller(
  sql: Sql,
  session: SessionData,
): Promise<Caller | null> {
  const [row] = await sql<Row[]>`
    select id, username, role, tenant_ids as "tenantIds"
    from operators
    where id = ${session.operatorId}
      and not disabled
      and session_version = ${session.version}
  `;
  if (!row) return null;
  return {
    kind: 'operator',
    id: row.id,
    name: row.username,
    role: row.role,
    tenants: tenantsFromColumn(row.tenantIds),
  };
}
