import type { Sql } from '../../db/client';
import { recordAudit } from '../audit/record-audit';
import type { Caller, Role } from './caller';
import { tenantsToColumn } from './operator-view';
import { newTokenSecret } from './token-secret';
import { tokenColumns, type TokenView } from './token-view';

/**
 * Issues an API token for an internal tool. The token itself is in the
 * answer and nowhere else: the table keeps its sha256, the audit log its
 * id, name, role and tenants.
 */
export async function issueToken(
  sql: Sql,
  spec: { name: string; role: Role; tenants: Caller['tenants'] },
  actor: Caller,
): Promise<{ token: string; view: TokenView }> {
  const secret = newTokenSecret();
  return sql.begin(async (tx) => {
    const [view] = await tx<TokenView[]>`
      insert into api_tokens as t (name, role, tenant_ids, token_sha256, prefix, created_by)
      values (
        ${spec.name}, ${spec.role}, ${tenantsToColumn(spec.tenants)}::text[],
        ${secret.sha256}, ${secret.prefix}, ${actor.name}
      )
      returning ${tokenColumns(tx)}
    `;
    if (!view) throw new Error('inserting an API token returned no row');
    await recordAudit(tx, {
      actor,
      action: 'token.create',
      target: { type: 'token', id: view.id },
      tenantId: null,
      detail: {
        name: view.name,
        role: view.role,
        tenants: view.tenants,
        prefix: view.prefix,
      },
    });
    return { token: secret.token, view };
  });
}
