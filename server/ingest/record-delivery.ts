import type { TransactionSql } from 'postgres';

import type { Sql } from '../../db/client';
import type { DispatchRoutes } from '../dispatch/registry';
import type { NormalizedEvent } from '../events/normalized-event';
import { signalDispatchesPending } from '../runtime/dispatch-signal';

export type DeliveryOutcome =
  'accepted' | 'duplicate' | 'quarantined' | 'rejected';

/** A delivery as the `record_delivery` SQL function takes it. */
export type DeliveryRecord = {
  provider: string;
  receivedAt: string;
  requestId: string | null;
  remoteAddress: string | null;
  method: string;
  headers: Record<string, string>;
  messageId: string | null;
  signedAt: string | null;
  bodyBytes: number;
  bodyTruncated: boolean;
  bodySha256: string;
  fingerprint: string | null;
  secretId: string | null;
  /** Stands unless an event is given: then the event decides. */
  outcome: DeliveryOutcome;
  reason: string | null;
  detail: string | null;
  statusCode: number;
};

export type Anomaly = { kind: string; detail: Record<string, unknown> };

export type Recorded = {
  deliveryId: string;
  eventId: string | null;
  outcome: DeliveryOutcome;
  reason: string | null;
  statusCode: number;
};

/**
 * Stores one delivery, its event (`ON CONFLICT DO NOTHING` on the payment's
 * key), the event's tenant and dispatch rows when its payment attempt is
 * known, and any anomaly, in a single round trip: the server-side function
 * runs them in one implicit transaction, so either all of it is committed
 * before we answer 2xx or none of it is.
 */
export async function recordDelivery(
  sql: Sql | TransactionSql,
  input: {
    delivery: DeliveryRecord;
    body: Buffer;
    event: NormalizedEvent | null;
    anomaly: Anomaly | null;
    /** Which handlers a resolved event is dispatched to. */
    dispatch: DispatchRoutes;
  },
  options: {
    signal?: AbortSignal;
    /** Past this instant the database rolls the record back (57014). */
    deadline?: Date;
  } = {},
): Promise<Recorded> {
  // JSON goes over as text and is cast on the server: postgres.js would
  // otherwise store a pre-serialized string as one JSON string value.
  const json = (value: unknown) =>
    value === null ? null : JSON.stringify(value);
  const query = sql<{ recorded: Recorded }[]>`
    select record_delivery(
      ${json(input.delivery)}::text::jsonb,
      ${input.body}::bytea,
      ${json(input.event)}::text::jsonb,
      ${json(input.anomaly)}::text::jsonb,
      ${json(input.dispatch)}::text::jsonb,
      ${options.deadline?.toISOString() ?? null}::timestamptz
    ) as recorded
  `;
  // On abort the statement is cancelled: removed from the pool's queue while
  // it waits for a connection, or a cancel request while it runs.
  const cancel = () => void query.cancel();
  if (options.signal?.aborted) cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const [row] = await query;
    if (!row) throw new Error('record_delivery returned no row');
    // A new event may have been dispatched: its jobs go to the queue now.
    if (row.recorded.outcome === 'accepted') signalDispatchesPending();
    return row.recorded;
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
}
