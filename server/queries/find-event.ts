import type { Sql } from '../../db/client';
import { type AttemptView, findAttemptByMd5 } from '../attempts/find-attempt';
import { type Caller, isMasked } from '../auth/caller';
import {
  anomalyColumns,
  type AnomalySummary,
  maskAnomaly,
} from './list-anomalies';
import {
  deliveryColumns,
  type DeliverySummary,
  maskDelivery,
} from './list-deliveries';
import { dispatchColumns, type DispatchSummary } from './list-dispatches';
import {
  eventColumns,
  type EventRow,
  type EventSummary,
  toEventSummary,
} from './list-events';
import { maskPersonalData } from './mask-personal-data';
import { tenantScope } from './tenant-scope';

export type EventDetail = EventSummary & {
  /** The normalized event the handlers read; payer masked for a viewer. */
  normalized: unknown;
  /** Every delivery of the payment, newest first (at most DELIVERY_LIMIT). */
  deliveries: DeliverySummary[];
  deliveryCount: number;
  dispatches: DispatchSummary[];
  anomalies: AnomalySummary[];
  /** The payment attempt it resolved to, with its confirmation. */
  attempt: AttemptView | null;
};

/**
 * A storm of redeliveries can give one event thousands of rows; the count
 * says how many there are and `deliveries.list` with `eventId` pages them.
 */
const DELIVERY_LIMIT = 500;

type Row = EventRow & { normalized: unknown };

/** One event with its deliveries, dispatches, anomalies and attempt. */
export async function findEvent(
  sql: Sql,
  caller: Caller,
  id: string,
): Promise<EventDetail | null> {
  const [row] = await sql<Row[]>`
    select ${eventColumns(sql)}, e.normalized
    from events e
    where e.id = ${id} and ${tenantScope(sql, caller, 'e.tenant_id')}
  `;
  if (!row) return null;
  const { normalized, ...summary } = row;

  const [deliveries, counted, dispatches, anomalies, attempt] =
    await Promise.all([
      sql<DeliverySummary[]>`
      select ${deliveryColumns(sql)}
      from deliveries d join events e on e.id = d.event_id
      where d.event_id = ${id}
      order by d.received_at desc, d.id desc
      limit ${DELIVERY_LIMIT}
    `,
      sql<{ count: number }[]>`
      select count(*)::int as count from deliveries where event_id = ${id}
    `,
      sql<DispatchSummary[]>`
      select ${dispatchColumns(sql)}
      from dispatches x join events e on e.id = x.event_id
      where x.event_id = ${id} and ${tenantScope(sql, caller, 'x.tenant_id')}
      order by x.created_at desc, x.id desc
    `,
      sql<AnomalySummary[]>`
      select ${anomalyColumns(sql)}
      from anomalies a
      where a.event_id = ${id} and ${tenantScope(sql, caller, 'a.tenant_id')}
      order by a.opened_at desc, a.id desc
    `,
      summary.attemptId === null ? null : findAttemptByMd5(sql, summary.md5),
    ]);
  return {
    ...toEventSummary(caller, summary),
    normalized: isMasked(caller) ? maskPersonalData(normalized) : normalized,
    deliveries: deliveries.map((delivery) => maskDelivery(caller, delivery)),
    deliveryCount: counted[0]?.count ?? 0,
    dispatches,
    anomalies: anomalies.map((anomaly) => maskAnomaly(caller, anomaly)),
    attempt,
  };
}
