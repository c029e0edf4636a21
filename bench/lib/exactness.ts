import type { Sql } from '../../db/client';
import type { Tracker } from './load';

export type Exactness = {
  label: string;
  target: string;
  requestsSent: number;
  answered2xx: number;
  /** Non-2xx answers; no phase of this bench means to cause any. */
  non2xx: number;
  uniquePaymentsSent: number;
  uniquePaymentsAcknowledged: number;
  events: number | null;
  /** Acknowledged payments without an event. */
  lost: number | null;
  /** Payments stored as accepted more than once. */
  doubled: number | null;
  freshAnsweredDuplicate: number;
  repeatAnsweredAccepted: number;
  deliveriesStored: number | null;
  dispatch: DispatchExactness | null;
  /** The exactness: counts, lost, doubled, non-2xx. */
  ok: boolean;
  problems: string[];
  /**
   * No anomaly the phase did not mean to cause: every payment matches its
   * attempt, so only unknown payments (unregistered on purpose) may raise one.
   */
  anomaliesOk: boolean;
};

export type DispatchExactness = {
  /** Events whose attempt was registered: each must be confirmed once. */
  matchingAttempts: number;
  confirmations: number;
  dispatchesNotSucceeded: number;
  expectedUnknownPayments: number;
  unknownPaymentAnomalies: number;
  otherAnomalies: Record<string, number>;
};

/**
 * Compares what a phase sent and was told with what the database holds:
 * every acknowledged payment has exactly one event, no event exists for a
 * payment never sent, every 2xx has its delivery row, and (for the real
 * route, after the worker caught up) every event with a matching attempt
 * has exactly one confirmation and every other one an unknown-payment
 * anomaly. A request cut off when the phase stopped may or may not have
 * been stored: events are checked to lie between acknowledged and sent.
 */
export async function checkExactness(
  sql: Sql,
  tracker: Tracker,
  options: { stores: boolean; dispatches: boolean },
): Promise<Exactness> {
  const requestsSent = [...tracker.sentMessages.values()].reduce(
    (a, b) => a + b,
    0,
  );
  const answered2xx = Object.entries(tracker.statuses)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const answered = Object.values(tracker.statuses).reduce((a, b) => a + b, 0);
  const result: Exactness = {
    label: tracker.label,
    target: tracker.target,
    requestsSent,
    answered2xx,
    non2xx: answered - answered2xx,
    uniquePaymentsSent: tracker.sentFresh.length,
    uniquePaymentsAcknowledged: tracker.ackedFresh.length,
    events: null,
    lost: null,
    doubled: null,
    freshAnsweredDuplicate: tracker.freshAnsweredDuplicate,
    repeatAnsweredAccepted: tracker.repeatAnsweredAccepted,
    deliveriesStored: null,
    dispatch: null,
    ok: true,
    problems: [],
    anomaliesOk: true,
  };
  const problem = (text: string) => {
    result.ok = false;
    result.problems.push(text);
  };
  if (result.non2xx > 0) problem(`${result.non2xx} non-2xx answers`);

  if (options.stores) {
    const hashes = tracker.sentFresh.map((p) => p.hash);
    const events = await sql<{ id: string; hash: string }[]>`
      select id, provider_event_id as hash from events
       where provider = 'BAKONG' and kind = 'PAYMENT_CONFIRMED'
         and provider_event_id = any(${hashes}::text[])
    `;
    const stored = new Set(events.map((e) => e.hash));
    const eventIds = events.map((e) => e.id);
    result.events = events.length;
    result.lost = tracker.ackedFresh.filter((p) => !stored.has(p.hash)).length;
    const [doubled] = await sql<{ doubled: number }[]>`
      select count(*)::int as doubled from (
        select event_id from deliveries
         where event_id = any(${eventIds}::uuid[]) and outcome = 'accepted'
         group by event_id having count(*) > 1
      ) as twice
    `;
    result.doubled = doubled?.doubled ?? 0;
    const [deliveries] = await sql<{ stored: number }[]>`
      select count(*)::int as stored from deliveries
       where message_id = any(${[...tracker.sentMessages.keys()]}::text[])
    `;
    result.deliveriesStored = deliveries?.stored ?? 0;

    if (result.lost > 0)
      problem(`${result.lost} acknowledged payments have no event`);
    if (result.doubled > 0)
      problem(`${result.doubled} payments were accepted twice`);
    if (result.events > result.uniquePaymentsSent) {
      problem(
        `${result.events} events for ${result.uniquePaymentsSent} payments sent`,
      );
    }
    if (
      result.deliveriesStored < answered2xx ||
      result.deliveriesStored > requestsSent
    ) {
      problem(
        `${result.deliveriesStored} delivery rows for ${answered2xx} acknowledged ` +
          `of ${requestsSent} sent`,
      );
    }
    if (result.freshAnsweredDuplicate > 0) {
      problem(
        `${result.freshAnsweredDuplicate} first sends answered duplicate`,
      );
    }
    if (result.repeatAnsweredAccepted > 0) {
      problem(`${result.repeatAnsweredAccepted} repeats answered accepted`);
    }

    if (options.dispatches) {
      const registered = new Set(
        tracker.sentFresh.filter((p) => p.registered).map((p) => p.hash),
      );
      const matchingAttempts = events.filter((e) =>
        registered.has(e.hash),
      ).length;
      const [row] = await sql<
        { confirmations: number; notSucceeded: number }[]
      >`
        select
          (select count(*)::int from confirmations
            where event_id = any(${eventIds}::uuid[])) as confirmations,
          (select count(*)::int from dispatches
            where event_id = any(${eventIds}::uuid[])
              and status <> 'succeeded') as "notSucceeded"
      `;
      const anomalies = await sql<{ kind: string; count: number }[]>`
        select kind, count(*)::int as count from anomalies
         where event_id = any(${eventIds}::uuid[]) group by kind
      `;
      const byKind = Object.fromEntries(
        anomalies.map((a) => [a.kind, a.count]),
      );
      const { unknown_payment: unknown = 0, ...other } = byKind;
      result.dispatch = {
        matchingAttempts,
        confirmations: row?.confirmations ?? 0,
        dispatchesNotSucceeded: row?.notSucceeded ?? 0,
        expectedUnknownPayments: events.length - matchingAttempts,
        unknownPaymentAnomalies: unknown,
        otherAnomalies: other,
      };
      const d = result.dispatch;
      if (d.confirmations !== d.matchingAttempts) {
        problem(
          `${d.confirmations} confirmations for ${d.matchingAttempts} matching attempts`,
        );
      }
      if (d.dispatchesNotSucceeded > 0) {
        problem(`${d.dispatchesNotSucceeded} dispatches did not succeed`);
      }
      if (d.unknownPaymentAnomalies !== d.expectedUnknownPayments) {
        problem(
          `${d.unknownPaymentAnomalies} unknown-payment anomalies for ` +
            `${d.expectedUnknownPayments} unregistered payments`,
        );
      }
      if (Object.keys(other).length > 0) {
        result.anomaliesOk = false;
        result.problems.push(`unexpected anomalies ${JSON.stringify(other)}`);
      }
    }
  }
  return result;
}

/**
 * Waits until the worker has run every dispatch it was given: none pending,
 * running or waiting to retry. Gives up at `timeoutMs`, or sooner when the
 * count has not moved for `stallMs` (a stuck worker, not a slow one).
 */
export async function waitForDispatches(
  sql: Sql,
  timeoutMs: number,
  stallMs = 30_000,
): Promise<{
  drained: boolean;
  stalled: boolean;
  waitedMs: number;
  remaining: number;
}> {
  const started = Date.now();
  let last = -1;
  let lastChange = started;
  for (;;) {
    const [row] = await sql<{ remaining: number }[]>`
      select count(*)::int as remaining from dispatches
       where status in ('pending', 'running', 'failed')
    `;
    const remaining = row?.remaining ?? 0;
    const now = Date.now();
    if (remaining !== last) {
      last = remaining;
      lastChange = now;
    }
    const waitedMs = now - started;
    if (remaining === 0)
      return { drained: true, stalled: false, waitedMs, remaining };
    if (now - lastChange > stallMs)
      return { drained: false, stalled: true, waitedMs, remaining };
    if (waitedMs > timeoutMs)
      return { drained: false, stalled: false, waitedMs, remaining };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
