import type { Sql } from '../../db/client';
import { type AuditActor, recordAudit } from '../audit/record-audit';
import { hashPassword, PASSWORD_COST } from './password';

/**
 * Gives an operator a new password and ends every session they have: a
 * password is changed because the old one may be known to someone else,
 * who may be signed in with it. `action` tells the audit log whether an
 * admin set it or the operator changed their own.
 */
export async function setOperatorPassword(
  sql: Sql,
  id: string,
  password: string,
  actor: AuditActor,
  action:
    'operator.set_password' | 'auth.change_password' = 'operator.set_password',
  cost: number = PASSWORD_COST,
): Promise<
  { ok: true; sessionVersion: number } | { ok: false; reason: 'not_found' }
> {
  const hash = await hashPassword(password, cost);
  return sql.begin(async (tx) => {
    const [row] = await tx<{ username: string; sessionVersion: number }[]>`
      update operators
         set password_hash = ${hash}, session_version = session_version + 1,
             updated_at = now()
       where id = ${id}
      returning username, session_version as "sessionVersion"
    `;
    if (!row) return { ok: false, reason: 'not_found' } as const;
    await recordAudit(tx, {
      actor,
      action,
      target: { type: 'operator', id },
      tenantId: null,
      detail: { username: row.username },
    });
    return { ok: true, sessionVersion: row.sessionVersion } as const;
  });
}
