import type { Sql } from '../../db/client';
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
import {
  eventColumns,
  type EventRow,
  type EventSummary,
  toEventSummary,
} from './list-events';
import { maskHeaders } from './mask-personal-data';
import { tenantScope } from './tenant-scope';

export type DeliveryDetail = DeliverySummary & {
  /** As received, credentials removed; values masked for a viewer. */
  headers: Record<string, string>;
  /** The stored bytes (base64) and, when they are UTF-8, their text; null for a viewer. */
  body: { base64: string; text: string | null } | null;
  /** True when the body and header values are withheld from this caller. */
  masked: boolean;
  event: EventSummary | null;
  /** Raised by this delivery, or the quarantine of its body. */
  anomalies: AnomalySummary[];
  /** Deliveries made by reprocessing this one. */
  reprocessings: DeliverySummary[];
};

/** How many linked rows of each kind a lookup returns at most. */
const LINKED_LIMIT = 200;

type StoredDelivery = DeliverySummary & {
  headers: Record<string, string>;
  body: Buffer | null;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** One delivery with what it links to, or null if `caller` may not see it. */
export async function findDelivery(
  sql: Sql,
  caller: Caller,
  id: string,
): Promise<DeliveryDetail | null> {
  const [row] = await sql<StoredDelivery[]>`
    select ${deliveryColumns(sql)}, d.headers, d.body
    from deliveries d left join events e on e.id = d.event_id
    where d.id = ${id} and ${tenantScope(sql, caller, 'd.tenant_id')}
  `;
  if (!row) return null;
  const { headers, body, ...summary } = row;

  const [events, anomalies, reprocessings] = await Promise.all([
    summary.eventId === null
      ? []
      : sql<EventRow[]>`
          select ${eventColumns(sql)} from events e where e.id = ${summary.eventId}
        `,
    sql<AnomalySummary[]>`
      select ${anomalyColumns(sql)}
      from anomalies a
      where (a.delivery_id = ${id}
             or (a.kind = 'quarantined_delivery' and a.event_id is null
                 and a.subject = ${summary.bodySha256}))
        and ${tenantScope(sql, caller, 'a.tenant_id')}
      order by a.opened_at desc, a.id desc
      limit ${LINKED_LIMIT}
    `,
    sql<DeliverySummary[]>`
      select ${deliveryColumns(sql)}
      from deliveries d left join events e on e.id = d.event_id
      where d.reprocessed_from = ${id} and ${tenantScope(sql, caller, 'd.tenant_id')}
      order by d.received_at desc, d.id desc
      limit ${LINKED_LIMIT}
    `,
  ]);
  const masked = isMasked(caller);
  const [event] = events;
  return {
    ...maskDelivery(caller, summary),
    headers: masked ? maskHeaders(headers) : headers,
    body:
      masked || body === null
        ? null
        : { base64: body.toString('base64'), text: decodeText(body) },
    masked,
    event: event ? toEventSummary(caller, event) : null,
    anomalies: anomalies.map((anomaly) => maskAnomaly(caller, anomaly)),
    reprocessings: reprocessings.map((delivery) =>
      maskDelivery(caller, delivery),
    ),
  };
}
