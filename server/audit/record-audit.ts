import type { TransactionSql } from 'postgres';

import type { Sql } from '../../db/client';
import type { Caller } from '../auth/caller';

/** Who acted: a caller, or someone who is not one (yet). */
export type AuditActor =
  | Caller
  | { kind: 'cli'; id: string; name: string }
  | { kind: 'anonymous'; id: null; name: string | null };

export type AuditAction =
  | 'dispatch.retry'
  | 'event.replay'
  | 'delivery.reprocess'
  | 'anomaly.acknowledge'
  | 'anomaly.resolve'
  | 'token.create'
  | 'token.revoke'
  | 'operator.create'
  | 'operator.update'
  | 'operator.set_password'
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.sign_out'
  | 'auth.change_password';

export type AuditEntry = {
  actor: AuditActor;
  action: AuditAction;
  target: { type: string; id: string | null } | null;
  /** The tenant of the row acted on, so a tenant's operators see it. */
  tenantId: string | null;
  note?: string | null;
  /** What changed; never a secret, a password or a raw body. */
  detail?: Record<string, unknown>;
};

/**
 * Appends one entry to the audit log. Given the transaction of the change it
 * records, the two commit or fail together. Entries are never updated or
 * deleted; the table's trigger refuses it.
 */
export async function recordAudit(
  sql: Sql | TransactionSql,
  entry: AuditEntry,
): Promise<{ id: string; at: string }> {
  const [row] = await sql<{ id: string; at: string }[]>`
    insert into audit_entries (
      actor_kind, actor_id, actor_name, action, target_type, target_id,
      tenant_id, note, detail
    ) values (
      ${entry.actor.kind}, ${entry.actor.id}, ${entry.actor.name}, ${entry.action},
      ${entry.target?.type ?? null}, ${entry.target?.id ?? null}, ${entry.tenantId},
      ${entry.note ?? null}, ${JSON.stringify(entry.detail ?? {})}::text::jsonb
    )
    returning id, to_json(at) #>> '{}' as at
  `;
  if (!row) throw new Error('inserting an audit entry returned no row');
  return row;
}
