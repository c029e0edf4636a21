import { randomBytes } from 'node:crypto';

import { afterAll, expect, it } from 'vitest';

import { createSql, type Sql } from '../db/client';
import { createDatabaseOn } from '../db/scratch-database';
import { checkBooks, waitForSettled } from './harness/books';
import { startGateway } from './harness/gateway';
import { startOwnPostgres, type OwnPostgres } from './harness/own-postgres';
import {
  inParallel,
  messageFor,
  newPayment,
  registerViaSql,
} from './harness/payments';
import { sleep, stopAllChildren, waitFor } from './harness/processes';
import { runClients, tally, type Answer } from './harness/provider';
import { recordScenario } from './harness/summary';

const PAYMENTS = 1000;
/** How long the second outage lasts, the server fully down. */
const OUTAGE_MS = 4000;
/** After this long with the server back, every answer must be a 2xx again. */
const RECOVERED_WITHIN_MS = 3000;
/** Load keeps coming this long after the server is back. */
const LOAD_AFTER_MS = 12_000;

let own: OwnPostgres | undefined;
let sql: Sql | undefined;
afterAll(async () => {
  await stopAllChildren();
  await sql?.end({ timeout: 1 }).catch(() => {});
  await own?.close();
});

type Window = { from: number; to: number };

async function healthStatus(url: string): Promise<number> {
  return fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.status)
    .catch(() => 0);
}

it('a PostgreSQL restart under load: 503 with Retry-After while it is away, recovery without a restart, no acknowledged delivery missing', async () => {
  // Always an instance of the suite's own: never restart a shared server.
  own = await startOwnPostgres();
  const database = await createDatabaseOn(
    own.serverUrl,
    `gw_faults_restart_${randomBytes(5).toString('hex')}`,
  );
  sql = createSql(database.url, { max: 4 });
  const app = await startGateway({
    name: 'restart',
    databaseUrl: database.url,
    worker: 'on',
  });

  const payments = Array.from({ length: PAYMENTS }, () => newPayment());
  await inParallel(payments, 8, (p) => registerViaSql(sql!, p.attempt));
  const messages = payments.flatMap((p) => [messageFor(p), messageFor(p)]);
  const clients = runClients(app.url, messages, { clients: 8, paceMs: 20 });

  // 1. pg_ctl restart -m immediate under load.
  await sleep(1500);
  const restartStarted = Date.now();
  const restartMs = await own.restartImmediate();
  const restartWindow: Window = { from: restartStarted, to: Date.now() };

  // 2. The server gone for OUTAGE_MS, then back.
  await sleep(2000);
  const stopRequestedAt = Date.now();
  await own.stopImmediate();
  const down: Window = { from: Date.now(), to: 0 };
  const healthDuring = await healthStatus(app.url);
  await sleep(OUTAGE_MS);
  down.to = Date.now();
  await own.start();
  const backAt = Date.now();

  const db = sql;
  const healthBackMs = await waitFor(
    'readiness after the outage',
    async () =>
      (await healthStatus(app.url)) === 200 ? Date.now() - backAt : undefined,
    { timeoutMs: 60_000, everyMs: 100 },
  );
  await sleep(Math.max(0, backAt + LOAD_AFTER_MS - Date.now()));
  clients.stop();
  const outcomes = await clients.done;
  // Jobs a live worker lost track of during the outage would keep dispatch
  // from settling: that is reported with the rest, not instead of it.
  const settled = await waitForSettled(db, 60_000).then(
    (ms) => ({ ms, stuck: null }),
    (error: unknown) => ({ ms: null, stuck: String(error) }),
  );
  const answers: Answer[] = outcomes.flatMap((o) => o.answers);
  const endOf = (a: Answer) => a.sentAt + a.ms;
  // A COMMIT in flight when the server was killed may have landed although
  // the gateway could only see a broken connection and say 503: inherent,
  // and harmless (the retry is a duplicate). Only a quick 503 that ended
  // while the server was dying or down qualifies.
  const crashed = (a: Answer) =>
    a.ms < 5000 &&
    ((endOf(a) >= restartStarted && endOf(a) <= restartWindow.to + 1000) ||
      (endOf(a) >= stopRequestedAt && endOf(a) <= backAt + 1000));
  const books = await checkBooks(db, {
    outcomes,
    payments,
    inFlightWhenLost: crashed,
  });

  const inside = (w: Window) => (a: Answer) =>
    a.sentAt >= w.from && a.sentAt + a.ms <= w.to;
  const duringOutage = answers.filter(inside(down));
  const unexpected = answers.filter(
    (a) =>
      !(a.status >= 200 && a.status < 300) &&
      !(a.status === 503 && a.retryAfter === '5'),
  );
  const firstOkAfter = (at: number) =>
    answers
      .filter((a) => a.status === 200 && a.sentAt >= at)
      .reduce(
        (min, a) => Math.min(min, a.sentAt + a.ms - at),
        Number.POSITIVE_INFINITY,
      );
  const recoveryMs = Math.max(
    firstOkAfter(restartWindow.to),
    firstOkAfter(backAt),
  );
  // Once the server has been back a moment, nothing may fail any more: no
  // request may still be waiting on a pooled connection that sits out a
  // reconnect backoff, and none may be refused.
  const lateFailures = answers.filter(
    (a) =>
      a.status !== 200 &&
      ((endOf(a) >= restartWindow.to + RECOVERED_WITHIN_MS &&
        endOf(a) < stopRequestedAt) ||
        endOf(a) >= backAt + RECOVERED_WITHIN_MS),
  );
  const lastFailureAfterBackMs = answers
    .filter((a) => a.status !== 200 && endOf(a) >= backAt)
    .reduce((max, a) => Math.max(max, endOf(a) - backAt), 0);
  const paid = new Set(
    outcomes.filter((o) => o.acknowledged).map((o) => o.message.paymentKey),
  );
  const counts = tally(outcomes);
  recordScenario('database-restart', {
    payments: paid.size,
    messages: counts.messages,
    requests: counts.requests,
    acknowledged: counts.acknowledged,
    answered2xx: counts.answered2xx,
    answered503: counts.answered503,
    noAnswer: counts.noAnswer,
    retries: counts.retries,
    otherStatuses: counts.otherStatuses,
    restartImmediateMs: restartMs,
    outageMs: down.to - down.from,
    answersDuringOutage: duringOutage.length,
    healthDuringOutage: healthDuring,
    maxRecoveryMs: recoveryMs,
    lastFailureAfterBackMs,
    failuresAfterRecovered: lateFailures.length,
    maxAnswerMs: counts.maxAnswerMs,
    healthBackMs,
    appRestarted: !app.child.isRunning(),
    events: books.events,
    confirmations: books.confirmations,
    settleMs: settled.ms,
    committedDespite503: books.committedDespite503,
    problems: books.problems.length,
  });

  expect.soft(app.child.isRunning()).toBe(true);
  expect.soft(settled.stuck).toBeNull();
  expect.soft(duringOutage.length).toBeGreaterThan(0);
  expect.soft(duringOutage.filter((a) => a.status !== 503)).toEqual([]);
  expect.soft(unexpected).toEqual([]);
  expect.soft(healthDuring).toBe(503);
  expect.soft(recoveryMs).toBeLessThan(RECOVERED_WITHIN_MS);
  expect.soft(counts.givenUp).toBe(0);
  expect.soft(books.problems).toEqual([]);
  expect.soft(books.events).toBe(paid.size);
  expect.soft(books.confirmations).toBe(paid.size);
  expect
    .soft(
      lateFailures.map(
        (a) =>
          `${a.status} after ${a.ms} ms, sent ${a.sentAt - backAt} ms after the server was back`,
      ),
    )
    .toEqual([]);
});
