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
import { sleep, stopAllChildren } from './harness/processes';
import { runClients, tally, type Answer } from './harness/provider';
import { recordScenario } from './harness/summary';

/** The app's wait for the database before it answers 503 (handle-bakong-webhook). */
const RECORD_TIMEOUT_MS = 10_000;
const HOLD_MS = 12_000;
/** More concurrent senders than the app's pool has connections (10). */
const CLIENTS = 24;
const RECOVERED_WITHIN_MS = 3000;

let database: ScratchDatabase | undefined;
let sql: Sql | undefined;
afterAll(async () => {
  await stopAllChildren();
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

/**
 * The app's pool is exhausted the way production sees it: by its own
 * queries stuck in the database. A connection of the suite's own holds
 * `deliveries` in ACCESS EXCLUSIVE mode, so every record_delivery call
 * waits on the lock while holding one of the app's ten connections, and
 * every request past the tenth waits for a connection in the pool's queue.
 * Holding connections of the suite's own (pg_sleep, or filling the
 * server's max_connections) would not touch the app's pool at all, and on
 * a shared server would starve everyone else.
 */
it('with every pooled connection stuck, requests answer 503 within the record timeout, and the gateway recovers when they free', async () => {
  database = await createScratchDatabase({ prefix: 'gw_faults_pool' });
  sql = createSql(database.url, { max: 4 });
  const app = await startGateway({
    name: 'pool',
    databaseUrl: database.url,
    worker: 'on',
  });

  const payments = Array.from({ length: 700 }, () => newPayment());
  await inParallel(payments, 8, (p) => registerViaSql(sql!, p.attempt));
  const warm = await runClients(
    app.url,
    payments.slice(0, 100).map((p) => messageFor(p)),
    {
      clients: CLIENTS,
    },
  ).done;

  const holder = await sql.reserve();
  let released = false;
  try {
    await holder`begin`;
    await holder`lock table deliveries in access exclusive mode`;
    const lockedAt = Date.now();
    const clients = runClients(
      app.url,
      payments.slice(100).map((p) => messageFor(p)),
      { clients: CLIENTS, paceMs: 20 },
    );
    await sleep(3000);
    const probeStarted = Date.now();
    const health = await fetch(`${app.url}/api/health`, {
      signal: AbortSignal.timeout(15_000),
    });
    const healthMs = Date.now() - probeStarted;
    await sleep(Math.max(0, lockedAt + HOLD_MS - Date.now()));
    await holder`commit`;
    released = true;
    const releasedAt = Date.now();
    await sleep(8000);
    clients.stop();
    const loaded = await clients.done;

    const outcomes = [...warm, ...loaded];
    const settleMs = await waitForSettled(sql, 120_000);
    const books = await checkBooks(sql, { outcomes, payments });
    const answers: Answer[] = loaded.flatMap((o) => o.answers);
    const endOf = (a: Answer) => a.sentAt + a.ms;
    const whileHeld = answers.filter((a) => endOf(a) < releasedAt);
    const notA503 = answers.filter(
      (a) => !(a.status === 200 || (a.status === 503 && a.retryAfter === '5')),
    );
    const lateFailures = answers.filter(
      (a) => a.status !== 200 && endOf(a) >= releasedAt + RECOVERED_WITHIN_MS,
    );
    const firstOkMs = answers
      .filter((a) => a.status === 200 && endOf(a) >= releasedAt)
      .reduce(
        (min, a) => Math.min(min, endOf(a) - releasedAt),
        Number.POSITIVE_INFINITY,
      );
    const paid = new Set(
      outcomes.filter((o) => o.acknowledged).map((o) => o.message.paymentKey),
    );
    const counts = tally(outcomes);
    recordScenario('pool-exhaustion', {
      clients: CLIENTS,
      poolMax: 10,
      holdMs: HOLD_MS,
      requests: counts.requests,
      acknowledged: counts.acknowledged,
      answered2xx: counts.answered2xx,
      answered503: counts.answered503,
      noAnswer: counts.noAnswer,
      retries: counts.retries,
      otherStatuses: counts.otherStatuses,
      maxAnswerMs: counts.maxAnswerMs,
      healthWhileHeld: health.status,
      healthMs,
      firstOkAfterReleaseMs: firstOkMs,
      failuresAfterRecovered: lateFailures.length,
      events: books.events,
      confirmations: books.confirmations,
      settleMs,
      problems: books.problems.length,
    });

    expect.soft(whileHeld.length).toBeGreaterThan(0);
    expect.soft(whileHeld.filter((a) => a.status !== 503)).toEqual([]);
    expect.soft(notA503).toEqual([]);
    expect.soft(counts.maxAnswerMs).toBeLessThan(RECORD_TIMEOUT_MS + 1500);
    expect.soft(health.status).toBe(503);
    expect.soft(healthMs).toBeLessThan(3000);
    expect.soft(firstOkMs).toBeLessThan(RECOVERED_WITHIN_MS);
    expect.soft(lateFailures).toEqual([]);
    expect.soft(counts.givenUp).toBe(0);
    expect.soft(books.problems).toEqual([]);
    expect.soft(books.events).toBe(paid.size);
    expect.soft(books.confirmations).toBe(paid.size);
  } finally {
    if (!released) await holder`rollback`.catch(() => {});
    holder.release();
  }
});
