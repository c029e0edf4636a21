import autocannon from 'autocannon';

import type { CpuUse } from './cpu';
import { signPayload } from '../../server/ingest/verify-signature';
import type { Payment, PaymentPool } from './payments';

export type TargetName = 'ceiling' | 'minimal' | 'bare' | 'webhook';

export type Target = { name: TargetName; url: string; path: string };

/** What one phase sent and what came back, payment by payment. */
export type Tracker = {
  label: string;
  target: TargetName;
  sentFresh: Payment[];
  ackedFresh: Payment[];
  /** Message ids of every request sent, with how many times each was sent. */
  sentMessages: Map<string, number>;
  repeatsSent: number;
  statuses: Record<string, number>;
  /** A new payment answered `duplicate`: the gateway doubted a first send. */
  freshAnsweredDuplicate: number;
  /** A repeat answered `accepted`: the payment was stored twice. */
  repeatAnsweredAccepted: number;
  latenciesMs: number[];
  startedAt: Date;
  finishedAt: Date;
};

export type LoadResult = {
  label: string;
  target: TargetName;
  connections: number;
  durationS: number;
  responses: number;
  throughput: number;
  latencyMs: {
    p50: number;
    p90: number;
    p99: number;
    max: number;
    mean: number;
  };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Filled in by the caller, which knows the processes involved. */
  cpu: CpuUse | null;
  tracker: Tracker;
};

type Context = { payment?: Payment; repeat?: boolean };

/**
 * One bounded load phase with autocannon. Every request carries a payment
 * body: a new one from the pool, or (with `duplicateShare`) the exact bytes
 * of a payment already acknowledged in this phase under its original
 * webhook-id, as a provider's retry does. Each request is signed when it is
 * built, so the 300 s window never expires however long the phase.
 *
 * With `rate`, the load is spread over `rate / 5` single-connection
 * instances started at even offsets: autocannon releases each connection's
 * per-second quota at once, so one instance at 200/s sends bursts, not a
 * steady stream.
 */
export async function runLoad(options: {
  label: string;
  target: Target;
  connections: number;
  durationS: number;
  pool: PaymentPool;
  duplicateShare: number;
  key: Buffer;
  rate?: number;
  /** Stop after this many requests instead (still bounded by `durationS`). */
  amount?: number;
}): Promise<LoadResult> {
  const tracker: Tracker = {
    label: options.label,
    target: options.target.name,
    sentFresh: [],
    ackedFresh: [],
    sentMessages: new Map(),
    repeatsSent: 0,
    statuses: {},
    freshAnsweredDuplicate: 0,
    repeatAnsweredAccepted: 0,
    latenciesMs: [],
    startedAt: new Date(),
    finishedAt: new Date(),
  };
  const request: autocannon.Request = {
    method: 'POST',
    path: options.target.path,
    setupRequest: (req, rawContext) => {
      const context = rawContext as Context;
      const repeat =
        tracker.ackedFresh.length > 0 && Math.random() < options.duplicateShare;
      const payment = repeat
        ? tracker.ackedFresh[
            Math.floor(Math.random() * tracker.ackedFresh.length)
          ]!
        : options.pool.take();
      if (repeat) tracker.repeatsSent += 1;
      else tracker.sentFresh.push(payment);
      context.payment = payment;
      context.repeat = repeat;
      const sent = tracker.sentMessages.get(payment.messageId) ?? 0;
      tracker.sentMessages.set(payment.messageId, sent + 1);
      const timestamp = String(Math.floor(Date.now() / 1000));
      req.body = payment.body;
      req.headers = {
        'content-type': 'application/json',
        'webhook-id': payment.messageId,
        'webhook-timestamp': timestamp,
        'webhook-signature': signPayload(
          options.key,
          payment.messageId,
          timestamp,
          payment.body,
        ),
      };
      return req;
    },
    onResponse: (status, body, rawContext) => {
      const context = rawContext as Context;
      tracker.statuses[status] = (tracker.statuses[status] ?? 0) + 1;
      const payment = context.payment;
      if (!payment || status < 200 || status >= 300) return;
      if (!context.repeat) tracker.ackedFresh.push(payment);
      if (options.target.name === 'ceiling') return;
      const outcome = readOutcome(body);
      if (!context.repeat && outcome === 'duplicate')
        tracker.freshAnsweredDuplicate += 1;
      if (context.repeat && outcome === 'accepted')
        tracker.repeatAnsweredAccepted += 1;
    },
  };

  const plan = planInstances(options.connections, options.rate);
  const results = await Promise.all(
    plan.map(
      (instance) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const start = () => {
            const cannon = autocannon(
              {
                url: `${options.target.url}${options.target.path}`,
                connections: instance.connections,
                duration: options.durationS,
                requests: [request],
                timeout: 20,
                ...(instance.rate ? { connectionRate: instance.rate } : {}),
                ...(options.amount ? { amount: options.amount } : {}),
              },
              (error: unknown, result) => {
                clearTimeout(guard);
                if (error) reject(error);
                else resolve(result);
              },
            );
            // `amount` overrides autocannon's own duration: keep the bound.
            const guard = setTimeout(
              () => cannon.stop(),
              options.durationS * 1000,
            );
            cannon.on('response', (_client, _status, _bytes, responseTime) => {
              tracker.latenciesMs.push(responseTime);
            });
          };
          setTimeout(start, instance.delayMs);
        }),
    ),
  );
  tracker.finishedAt = new Date();

  const responses = results.reduce((sum, r) => sum + r.requests.total, 0);
  const durationS = Math.max(...results.map((r) => r.duration));
  const latencies = [...tracker.latenciesMs].sort((a, b) => a - b);
  return {
    label: options.label,
    target: options.target.name,
    connections: options.connections,
    durationS,
    responses,
    throughput: responses / durationS,
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p90: percentile(latencies, 0.9),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? 0,
      mean:
        latencies.reduce((sum, v) => sum + v, 0) /
        Math.max(latencies.length, 1),
    },
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
    cpu: null,
    tracker,
  };
}

function planInstances(connections: number, rate: number | undefined) {
  if (!rate) return [{ connections, rate: 0, delayMs: 0 }];
  const perInstance = 5;
  const count = Math.max(1, Math.round(rate / perInstance));
  return Array.from({ length: count }, (_, i) => ({
    connections: 1,
    rate: perInstance,
    delayMs: Math.round((i * 1000) / count),
  }));
}

function readOutcome(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { status?: unknown };
    return typeof parsed.status === 'string' ? parsed.status : null;
  } catch {
    return null;
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil(q * sorted.length) - 1),
  );
  return sorted[rank]!;
}
