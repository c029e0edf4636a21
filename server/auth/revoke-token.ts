import type { Sql } from '../../db/client';
import { recordAudit } from '../audit/record-audit';
import type { Caller } from './caller';
import { tokenColumns, type TokenView } from './token-view';

/**
 * Revokes an API token: its next call is UNAUTHORIZED, since every call
 * looks the token up. A revoked token stays listed, for the record.
 */
export async function revokeToken(
  sql: Sql,
  id: string,
  actor: Caller,
  note: string | null,
): Promise<
  | { ok: true; value: TokenView }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'already_revoked'; at: string | null }
> {
  return sql.begin(async (tx) => {
    const [current] = await tx<{ revokedAt: string | null }[]>`
      select to_json(revoked_at) #>> '{}' as "revokedAt" from api_tokens
      where id = ${id} for update
    `;
    if (!current) return { ok: false, reason: 'not_found' } as const;
    if (current.revokedAt !== null) {
      return {
        ok: false,
        reason: 'already_revoked',
        at: current.revokedAt,
      } as const;
    }
    const [view] = await tx<TokenView[]>`
      update api_tokens t set revoked_at = now(), revoked_by = ${actor.name}
      where t.id = ${id}
      returning ${tokenColumns(tx)}
    `;
    if (!view) throw new Error(`API token ${id} vanished while locked`);
    await recordAudit(tx, {
      actor,
      action: 'token.revoke',
      target: { type: 'token', id },
      tenantId: null,
      note,
      detail: { name: view.name, prefix: view.prefix },
    });
    return { ok: true, value: view } as const;
  });
}
