import type { Sql } from '../../db/client';
import type { Logger } from '../logger';
import { type Caller, type Role, tenantsFromColumn } from './caller';
import { hashTokenSecret, TOKEN_PATTERN } from './token-secret';

type Row = {
  id: string;
  name: string;
  role: Role;
  tenantIds: string[] | null;
  stale: boolean;
};

/**
 * The caller an issued API token stands for, or null for a token that was
 * never issued or is revoked. `last_used_at` is refreshed at most once a
 * minute per token, after the answer and without waiting for it: a busy
 * tool costs one read per call and a write a minute, not a write per call.
 */
export async function findTokenCaller(
  sql: Sql,
  token: string,
  log?: Logger,
): Promise<Caller | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const [row] = await sql<Row[]>`
    select id, name, role, tenant_ids as "tenantIds",
           coalesce(last_used_at < now() - interval '1 minute', true) as stale
    from api_tokens
    where token_sha256 = ${hashTokenSecret(token)} and revoked_at is null
  `;
  if (!row) return null;
  if (row.stale) {
    sql`
      update api_tokens set last_used_at = now()
      where id = ${row.id}
        and (last_used_at is null or last_used_at < now() - interval '1 minute')
    `.catch((error: unknown) => {
      log?.warn(
        { err: error, tokenId: row.id },
        'could not record when a token was last used',
      );
    });
  }
  return {
    kind: 'token',
    id: row.id,
    name: row.name,
    role: row.role,
    tenants: tenantsFromColumn(row.tenantIds),
  };
}
