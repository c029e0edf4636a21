import type { Sql } from '../../db/client';
import { type Caller, canSeeTenant } from '../auth/caller';
import { recordAudit } from '../audit/record-audit';
import {
  anomalyColumns,
  type AnomalySummary,
  maskAnomaly,
} from './list-anomalies';

export type AnomalyChange =
  | { action: 'acknowledge'; note: string | null }
  | { action: 'resolve'; note: string };

export type AnomalyChangeResult =
  | { ok: true; value: AnomalySummary }
  | { ok: false; reason: 'not_found' }
  | {
      ok: false;
      reason: 'conflict';
      status: string;
      by: string | null;
      at: string | null;
    };

/**
 * Acknowledges an open anomaly ("someone is on it") or resolves an open or
 * acknowledged one, recording who and when on the anomaly itself and in the
 * audit log, in one transaction. The row is locked first, so two operators
 * acting at once are served one after the other and the second is told
 * what the first did.
 */
export async function changeAnomalyStatus(
  sql: Sql,
  caller: Caller,
  id: string,
  change: AnomalyChange,
): Promise<AnomalyChangeResult> {
  return sql.begin(async (tx) => {
    const [current] = await tx<
      {
        tenantId: string | null;
        status: string;
        by: string | null;
        at: string | null;
      }[]
    >`
      select tenant_id as "tenantId", status,
             coalesce(resolved_by, acknowledged_by) as by,
             to_json(coalesce(resolved_at, acknowledged_at)) #>> '{}' as at
      from anomalies where id = ${id}
      for update
    `;
    if (!current || !canSeeTenant(caller, current.tenantId)) {
      return { ok: false, reason: 'not_found' } as const;
    }
    const allowed =
      change.action === 'acknowledge' ? ['open'] : ['open', 'acknowledged'];
    if (!allowed.includes(current.status)) {
      const { status, by, at } = current;
      return { ok: false, reason: 'conflict', status, by, at } as const;
    }
    const [updated] =
      change.action === 'acknowledge'
        ? await tx<AnomalySummary[]>`
            update anomalies a
               set status = 'acknowledged', acknowledged_at = now(),
                   acknowledged_by = ${caller.name}
             where a.id = ${id}
            returning ${anomalyColumns(tx)}
          `
        : await tx<AnomalySummary[]>`
            update anomalies a
               set status = 'resolved', resolved_at = now(), resolved_by = ${caller.name},
                   resolution_note = ${change.note}
             where a.id = ${id}
            returning ${anomalyColumns(tx)}
          `;
    if (!updated) throw new Error(`anomaly ${id} vanished while locked`);
    await recordAudit(tx, {
      actor: caller,
      action:
        change.action === 'acknowledge'
          ? 'anomaly.acknowledge'
          : 'anomaly.resolve',
      target: { type: 'anomaly', id },
      tenantId: current.tenantId,
      note: change.note,
      detail: { kind: updated.kind, previousStatus: current.status },
    });
    return { ok: true, value: maskAnomaly(caller, updated) } as const;
  });
}
