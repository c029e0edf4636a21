import { afterAll, expect, it } from 'vitest';

import { createSql, type Sql } from '../db/client';
import {
  createScratchDatabase,
  type ScratchDatabase,
} from '../db/scratch-database';
import { checkBooks, waitForSettled } from './harness/books';
import { startGateway } from './harness/gateway';
import {
  inParallel,
  messageFor,
  newPayment,
  registerViaSql,
} from './harness/payments';
import { stopAllChildren } from './harness/processes';
import { deliver, tally, type Message, type Outcome } from './harness/provider';
import { recordScenario } from './harness/summary';

const PAYMENTS = 500;
const SENDERS = 20;
/** Payments stormed at once: PAYMENTS_AT_ONCE × SENDERS requests in flight. */
const PAYMENTS_AT_ONCE = 10;

let database: ScratchDatabase | undefined;
let sql: Sql | undefined;
afterAll(async () => {
  await stopAllChildren();
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[
      Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
    ] ?? 0
  );
};

it('500 payments each sent by 20 clients at once, half re-signed like a resend: 500 events, 500 confirmations, no 5xx', async () => {
  database = await createScratchDatabase({ prefix: 'gw_faults_storm' });
  sql = createSql(database.url, { max: 5 });
  const app = await startGateway({
    name: 'storm',
    databaseUrl: database.url,
    worker: 'on',
  });
  const payments = Array.from({ length: PAYMENTS }, (_, i) =>
    newPayment({
      purpose: i % 2 === 0 ? 'SALE' : 'SUBSCRIPTION_INVOICE',
      currency: i % 5 === 0 ? 'USD' : 'KHR',
    }),
  );
  await inParallel(payments, 8, (p) => registerViaSql(sql!, p.attempt));

  // The first send was signed a minute ago; half of the copies carry that
  // signature as it was, half are signed again now, as a resend is.
  const signedAt = Math.floor(Date.now() / 1000) - 60;
  const started = Date.now();
  const outcomes: Outcome[] = [];
  for (let from = 0; from < PAYMENTS; from += PAYMENTS_AT_ONCE) {
    const batch = payments
      .slice(from, from + PAYMENTS_AT_ONCE)
      .flatMap((payment) => {
        const message = messageFor(payment);
        return Array.from({ length: SENDERS }, (_, copy): Message =>
          copy % 2 === 0
            ? { ...message, firstTimestampSeconds: signedAt }
            : message,
        );
      });
    outcomes.push(
      ...(await Promise.all(batch.map((m) => deliver(app.url, m)))),
    );
  }
  const stormMs = Date.now() - started;

  const settleMs = await waitForSettled(sql, 180_000);
  const books = await checkBooks(sql, { outcomes, payments });
  const answers = outcomes.flatMap((o) => o.answers);
  const accepted = new Map<string, number>();
  for (const o of outcomes) {
    if (o.acknowledged?.json?.status === 'accepted') {
      accepted.set(
        o.message.paymentKey,
        (accepted.get(o.message.paymentKey) ?? 0) + 1,
      );
    }
  }
  const counts = tally(outcomes);
  const latencies = answers.map((a) => a.ms);
  recordScenario('duplicate-storm', {
    payments: PAYMENTS,
    senders: SENDERS,
    requests: counts.requests,
    answered2xx: counts.answered2xx,
    answered5xx: answers.filter((a) => a.status >= 500).length,
    noAnswer: counts.noAnswer,
    retries: counts.retries,
    otherStatuses: counts.otherStatuses,
    requestsPerSecond: Math.round(counts.requests / (stormMs / 1000)),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    events: books.events,
    confirmations: books.confirmations,
    settleMs,
    problems: books.problems.length,
  });

  expect
    .soft(answers.filter((a) => a.status >= 500 || a.status === 0))
    .toEqual([]);
  expect.soft(counts.otherStatuses).toEqual({});
  expect.soft(counts.retries).toBe(0);
  expect.soft(books.problems).toEqual([]);
  expect.soft(books.events).toBe(PAYMENTS);
  expect.soft(books.confirmations).toBe(PAYMENTS);
  expect.soft(accepted.size).toBe(PAYMENTS);
  expect.soft([...accepted.values()].every((n) => n === 1)).toBe(true);
});
