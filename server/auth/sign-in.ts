import type { Sql } from '../../db/client';
import { recordAudit } from '../audit/record-audit';
import { type Caller, type Role, tenantsFromColumn } from './caller';
import { normalizeUsername } from './operator-view';
import { checkPassword } from './password';

export type SignedIn = { caller: Caller; sessionVersion: number };

type Row = {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  tenantIds: string[] | null;
  disabled: boolean;
  sessionVersion: number;
};

/** How much of a mistyped username the audit log keeps. */
const USERNAME_KEPT = 64;

/**
 * Checks an operator's username and password. Success and failure are both
 * audited; the caller answers every failure alike, so nobody learns whether
 * a username exists. The password is checked even for an unknown or
 * disabled operator, so the answer time does not tell them apart either.
 */
export async function signIn(
  sql: Sql,
  attempt: { username: string; password: string; remoteAddress: string | null },
): Promise<SignedIn | null> {
  const typed = normalizeUsername(attempt.username);
  const username = typed.slice(0, USERNAME_KEPT);
  // A name longer than any operator's is looked up whole, so it finds nobody.
  const [row] = await sql<Row[]>`
    select id, username, password_hash as "passwordHash", role, tenant_ids as "tenantIds",
           disabled, session_version as "sessionVersion"
    from operators where username = ${typed}
  `;
  const matches = await checkPassword(
    attempt.password,
    row?.passwordHash ?? null,
  );
  const remoteAddress = attempt.remoteAddress;

  if (!row || !matches || row.disabled) {
    const reason = !row
      ? 'unknown_username'
      : !matches
        ? 'wrong_password'
        : 'disabled';
    await recordAudit(sql, {
      actor: { kind: 'anonymous', id: null, name: username },
      action: 'auth.sign_in_failed',
      target: row ? { type: 'operator', id: row.id } : null,
      tenantId: null,
      detail: { username, reason, remoteAddress },
    });
    return null;
  }

  const caller: Caller = {
    kind: 'operator',
    id: row.id,
    name: row.username,
    role: row.role,
    tenants: tenantsFromColumn(row.tenantIds),
  };
  await sql.begin(async (tx) => {
    await tx`update operators set last_signed_in_at = now() where id = ${row.id}`;
    await recordAudit(tx, {
      actor: caller,
      action: 'auth.sign_in',
      target: { type: 'operator', id: row.id },
      tenantId: null,
      detail: { remoteAddress },
    });
  });
  return { caller, sessionVersion: row.sessionVersion };
}
