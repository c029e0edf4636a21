import type { Sql } from '../../db/client';
import { type AuditActor, recordAudit } from '../audit/record-audit';
import type { Caller, Role } from './caller';
import {
  operatorColumns,
  type OperatorView,
  tenantsToColumn,
} from './operator-view';

export type OperatorChanges = {
  role?: Role;
  tenants?: Caller['tenants'];
  disabled?: boolean;
};

export type OperatorUpdate =
  | { ok: true; value: OperatorView }
  | {
      ok: false;
      reason: 'not_found' | 'admin_needs_all_tenants' | 'own_account';
    };

/**
 * Changes an operator's role, tenants or whether they may sign in. Every
 * request re-reads the operator, so a change applies to their next call;
 * disabling also ends their sessions for good, so enabling them again does
 * not revive a cookie issued before. An admin cannot disable or demote
 * themselves: the last admin would lock everyone out of the console.
 */
export async function updateOperator(
  sql: Sql,
  id: string,
  changes: OperatorChanges,
  actor: AuditActor,
): Promise<OperatorUpdate> {
  return sql.begin(async (tx) => {
    const [current] = await tx<
      { role: Role; tenantIds: string[] | null; disabled: boolean }[]
    >`
      select role, tenant_ids as "tenantIds", disabled from operators where id = ${id} for update
    `;
    if (!current) return { ok: false, reason: 'not_found' } as const;
    const role = changes.role ?? current.role;
    const tenantIds =
      changes.tenants === undefined
        ? current.tenantIds
        : tenantsToColumn(changes.tenants);
    const disabled = changes.disabled ?? current.disabled;
    if (role === 'admin' && tenantIds !== null) {
      return { ok: false, reason: 'admin_needs_all_tenants' } as const;
    }
    const self = actor.kind === 'operator' && actor.id === id;
    if (self && (disabled || role !== current.role)) {
      return { ok: false, reason: 'own_account' } as const;
    }
    const endSessions = disabled && !current.disabled;
    const [updated] = await tx<OperatorView[]>`
      update operators o
         set role = ${role}, tenant_ids = ${tenantIds}::text[], disabled = ${disabled},
             session_version = session_version + ${endSessions ? 1 : 0},
             updated_at = now()
       where o.id = ${id}
      returning ${operatorColumns(tx)}
    `;
    if (!updated) throw new Error(`operator ${id} vanished while locked`);
    await recordAudit(tx, {
      actor,
      action: 'operator.update',
      target: { type: 'operator', id },
      tenantId: null,
      detail: {
        username: updated.username,
        before: {
          role: current.role,
          tenants: current.tenantIds ?? 'all',
          disabled: current.disabled,
        },
        after: {
          role: updated.role,
          tenants: updated.tenants,
          disabled: updated.disabled,
        },
      },
    });
    return { ok: true, value: updated } as const;
  });
}
