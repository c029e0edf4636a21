import type { Sql } from '../../db/client';
import { waitFor } from './processes';
import type { Payment } from './payments';
import type { Answer, Outcome } from './provider';

export type Books = {
  deliveries: number;
  /** Answered 503, stored anyway, where `inFlightWhenLost` allowed it. */
  committedDespite503: number;
  events: number;
  confirmations: number;
  dispatches: number;
  /** Every way the database disagrees with what the clients were told. */
  problems: string[];
};

type DeliveryRow = {
  id: string;
  requestId: string | null;
  outcome: string;
  statusCode: number;
  eventId: string | null;
};
type EventRow = { id: string; hash: string; attemptId: string | null };
type ConfirmationRow = {
  tenantId: string;
  purpose: string;
  targetRef: string;
  eventId: string;
};
type DispatchRow = {
  id: string;
  eventId: string;
  handler: string;
  status: string;
};

/**
 * Compares what the providers were told with what the database holds, in
 * a database of the scenario's own:
 * - every 2xx answer names a stored delivery with that status, outcome and event;
 * - a delivery row of a request that was answered says the status it was
 *   answered with (a 503 is not stored as accepted afterwards);
 * - every acknowledged payment has exactly one event, and no payment two;
 * - every event was accepted exactly once (every other delivery of it is a duplicate);
 * - at most one confirmation per target, and exactly one for each payment
 *   `confirms` says should confirm, written by that payment's event;
 * - every resolved event has one succeeded dispatch per handler, none is
 *   left pending, running, failed or dead, and the queue holds no dispatch job.
 * The dispatch checks assume the caller waited for `waitForSettled`.
 */
export async function checkBooks(
  sql: Sql,
  input: {
    outcomes: readonly Outcome[];
    payments: readonly Payment[];
    /** Payments expected to end confirmed; default: every acknowledged one. */
    confirms?: (payment: Payment) => boolean;
    /**
     * Answers whose statement may have committed unseen: the database died
     * while its COMMIT was in flight, so the gateway could only say 503.
     * Such a row is counted, not a problem; anywhere else it is.
     */
    inFlightWhenLost?: (answer: Answer) => boolean;
  },
): Promise<Books> {
  const problems: string[] = [];
  const note = (problem: string) => {
    if (problems.length < 50) problems.push(problem);
    else if (problems.length === 50) problems.push('… and more');
  };
  const deliveries = await sql<DeliveryRow[]>`
    select id, request_id as "requestId", outcome, status_code as "statusCode",
           event_id as "eventId"
    from deliveries
  `;
  const events = await sql<EventRow[]>`
    select id, provider_event_id as hash, attempt_id as "attemptId" from events
  `;
  const confirmations = await sql<ConfirmationRow[]>`
    select tenant_id as "tenantId", purpose, target_ref as "targetRef", event_id as "eventId"
    from confirmations
  `;
  const dispatches = await sql<DispatchRow[]>`
    select id, event_id as "eventId", handler, status from dispatches
  `;
  const [jobs] = await sql<{ count: number }[]>`
    select count(*)::int as count from graphile_worker.jobs where task_identifier = 'dispatch'
  `;

  const deliveryById = new Map(deliveries.map((d) => [d.id, d]));
  const eventsByHash = new Map<string, EventRow[]>();
  for (const event of events) {
    eventsByHash.set(event.hash, [
      ...(eventsByHash.get(event.hash) ?? []),
      event,
    ]);
  }

  // What the clients were told.
  const acknowledgedHashes = new Set<string>();
  for (const outcome of input.outcomes) {
    const answer = outcome.acknowledged;
    if (!answer) continue;
    const json = answer.json ?? {};
    const deliveryId =
      typeof json.deliveryId === 'string' ? json.deliveryId : null;
    const where = `message ${outcome.message.messageId} (${answer.status} ${String(json.status)})`;
    if (!deliveryId) {
      note(`${where}: a 2xx without a deliveryId`);
      continue;
    }
    const row = deliveryById.get(deliveryId);
    if (!row) {
      note(`${where}: acknowledged, but delivery ${deliveryId} is not stored`);
      continue;
    }
    if (row.statusCode !== answer.status || row.outcome !== json.status) {
      note(`${where}: stored as ${row.statusCode} ${row.outcome}`);
    }
    if (typeof json.eventId === 'string' && row.eventId !== json.eventId) {
      note(
        `${where}: answered event ${json.eventId}, stored ${String(row.eventId)}`,
      );
    }
    if (json.status === 'accepted' || json.status === 'duplicate') {
      acknowledgedHashes.add(outcome.message.paymentKey);
    }
  }

  // A stored HTTP attempt agrees with the answer its sender got.
  const deliveryByRequest = new Map(
    deliveries.filter((d) => d.requestId).map((d) => [d.requestId, d]),
  );
  let committedDespite503 = 0;
  for (const outcome of input.outcomes) {
    for (const answer of outcome.answers) {
      const row = answer.requestId
        ? deliveryByRequest.get(answer.requestId)
        : undefined;
      if (
        row &&
        row.statusCode !== answer.status &&
        answer.status === 503 &&
        input.inFlightWhenLost?.(answer)
      ) {
        committedDespite503 += 1;
      } else if (row && row.statusCode !== answer.status) {
        note(
          `request ${answer.requestId}: answered ${answer.status}, ` +
            `stored as ${row.statusCode} ${row.outcome} (delivery ${row.id})`,
        );
      }
    }
  }

  // One event per payment.
  for (const hash of acknowledgedHashes) {
    const found = eventsByHash.get(hash)?.length ?? 0;
    if (found !== 1)
      note(`payment ${hash.slice(0, 12)}: acknowledged, ${found} events`);
  }
  for (const [hash, rows] of eventsByHash) {
    if (rows.length > 1)
      note(`payment ${hash.slice(0, 12)}: ${rows.length} events`);
  }

  // One acceptance per event; every other delivery of it a duplicate.
  const accepted = new Map<string, number>();
  for (const delivery of deliveries) {
    if (delivery.outcome === 'accepted' && delivery.eventId) {
      accepted.set(delivery.eventId, (accepted.get(delivery.eventId) ?? 0) + 1);
    }
    if (
      (delivery.outcome === 'accepted' || delivery.outcome === 'duplicate') &&
      !delivery.eventId
    ) {
      note(`delivery ${delivery.id}: ${delivery.outcome} without an event`);
    }
  }
  for (const event of events) {
    const times = accepted.get(event.id) ?? 0;
    if (times !== 1) note(`event ${event.id}: accepted by ${times} deliveries`);
  }

  // At most one confirmation per target; exactly one where expected.
  const byTarget = new Map<string, ConfirmationRow[]>();
  for (const c of confirmations) {
    const key = `${c.tenantId}/${c.purpose}/${c.targetRef}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), c]);
  }
  for (const [target, rows] of byTarget) {
    if (rows.length > 1) note(`target ${target}: ${rows.length} confirmations`);
  }
  const confirms = input.confirms ?? (() => true);
  for (const payment of input.payments) {
    const event = eventsByHash.get(payment.hash)?.[0];
    if (!event || !confirms(payment)) continue;
    const { tenantId, purpose, targetRef } = payment.attempt;
    const rows = byTarget.get(`${tenantId}/${purpose}/${targetRef}`) ?? [];
    if (rows.length !== 1 || rows[0]?.eventId !== event.id) {
      note(
        `target ${targetRef}: ${rows.length} confirmations, expected one by event ${event.id}`,
      );
    }
  }

  // Dispatch settled: one succeeded run per resolved event and handler.
  const dispatchesByEvent = new Map<string, DispatchRow[]>();
  for (const d of dispatches) {
    dispatchesByEvent.set(d.eventId, [
      ...(dispatchesByEvent.get(d.eventId) ?? []),
      d,
    ]);
    if (d.status !== 'succeeded')
      note(`dispatch ${d.id} (${d.handler}) is ${d.status}`);
  }
  for (const event of events) {
    const rows = dispatchesByEvent.get(event.id) ?? [];
    if (event.attemptId && rows.length !== 1) {
      note(`event ${event.id}: resolved, ${rows.length} dispatches`);
    }
  }
  if ((jobs?.count ?? 0) > 0)
    note(`${jobs?.count} dispatch jobs are still queued`);

  return {
    deliveries: deliveries.length,
    committedDespite503,
    events: events.length,
    confirmations: confirmations.length,
    dispatches: dispatches.length,
    problems,
  };
}

/**
 * Waits until no dispatch is pending, running or failed (awaiting a retry)
 * and the queue holds no dispatch job. Answers how long that took.
 */
export async function waitForSettled(
  sql: Sql,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  try {
    await waitFor(
      'dispatch to settle',
      async () => {
        const [row] = await sql<{ open: number; jobs: number }[]>`
          select
            (select count(*)::int from dispatches
              where status in ('pending', 'running', 'failed')) as open,
            (select count(*)::int from graphile_worker.jobs
              where task_identifier = 'dispatch') as jobs
        `;
        return row && row.open === 0 && row.jobs === 0 ? true : undefined;
      },
      { timeoutMs, everyMs: 250 },
    );
  } catch (error) {
    throw new Error(
      `${String(error)}; still open: ${JSON.stringify(await openWork(sql))}`,
    );
  }
  return Date.now() - started;
}

/** The dispatches and jobs that keep the books from settling, for the failure message. */
async function openWork(sql: Sql) {
  return sql`
    select d.id, d.status, d.attempts, d.last_error as "lastError", d.updated_at as "updatedAt",
           j.locked_by as "lockedBy", j.locked_at as "lockedAt", j.attempts as "jobAttempts",
           j.run_at as "runAt", j.last_error as "jobError"
    from dispatches d
    left join graphile_worker.jobs j on j.key = 'dispatch:' || d.id
    where d.status in ('pending', 'running', 'failed') or j.id is not null
    order by d.updated_at
    limit 10
  `;
}
