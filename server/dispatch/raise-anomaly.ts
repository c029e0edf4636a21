import type { TransactionSql } from 'postgres';

/**
 * Opens an anomaly unless one of the same kind is already open for the same
 * subject: running a handler again must not open a second one.
 */
export async function raiseAnomaly(
  tx: TransactionSql,
  anomaly: {
    kind: string;
    tenantId: string | null;
    branchId: string | null;
    eventId: string | null;
    subject: string;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  await tx`
    insert into anomalies (kind, tenant_id, branch_id, event_id, subject, detail)
    values (
      ${anomaly.kind}, ${anomaly.tenantId}, ${anomaly.branchId}, ${anomaly.eventId},
      ${anomaly.subject}, ${JSON.stringify(anomaly.detail)}::text::jsonb
    )
    on conflict (kind, subject) where status <> 'resolved' do nothing
  `;
}
