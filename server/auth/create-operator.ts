import type { Sql } from '../../db/client';
import { type AuditActor, recordAudit } from '../audit/record-audit';
import type { Caller, Role } from './caller';
import {
  operatorColumns,
  type OperatorView,
  tenantsToColumn,
} from './operator-view';
import { hashPassword, PASSWORD_COST } from './password';

export type NewOperator = {
  /** Already normalized: lowercase, checked against USERNAME. */
  username: string;
  password: string;
  role: Role;
  tenants: Caller['tenants'];
};

/**
 * Adds an operator who can sign in to the console, audited as `actor`'s
 * action in the same transaction. A taken username is a conflict, never an
 * overwrite. The password is hashed before the transaction opens, so its
 * 0.3 s of CPU holds no lock and no connection.
 */
export async function createOperator(
  sql: Sql,
  operator: NewOperator,
  actor: AuditActor,
  cost: number = PASSWORD_COST,
): Promise<
  { ok: true; value: OperatorView } | { ok: false; reason: 'username_taken' }
> {
  const hash = await hashPassword(operator.password, cost);
  return sql.begin(async (tx) => {
    const [created] = await tx<OperatorView[]>`
      insert into operators as o (username, password_hash, role, tenant_ids, created_by)
      values (
        ${operator.username}, ${hash}, ${operator.role},
        ${tenantsToColumn(operator.tenants)}::text[], ${actor.name ?? 'unknown'}
      )
      on conflict (username) do nothing
      returning ${operatorColumns(tx)}
    `;
    if (!created) return { ok: false, reason: 'username_taken' } as const;
    await recordAudit(tx, {
      actor,
      action: 'operator.create',
      target: { type: 'operator', id: created.id },
      tenantId: null,
      detail: {
        username: created.username,
        role: created.role,
        tenants: created.tenants,
      },
    });
    return { ok: true, value: created } as const;
  });
}
