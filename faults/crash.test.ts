import { afterAll, expect, it } from 'vitest';

import { createSql, type Sql } from '../db/client';
import {
  createScratchDatabase,
  freePort,
  type ScratchDatabase,
} from '../db/scratch-database';
import { checkBooks, waitForSettled } from './harness/books';
import { startGateway } from './harness/gateway';
import {
  inParallel,
  messageFor,
  newPayment,
  registerViaApi,
} from './harness/payments';
import { sleep, stopAllChildren, waitFor } from './harness/processes';
import { runClients, tally } from './harness/provider';
import { recordScenario } from './harness/summary';
import { handlerRuns, startFaultsWorker } from './harness/worker-process';

const PAYMENTS = 240;
/** How long the first worker's handlers take: it dies holding them. */
const STUCK_HANDLER_MS = 120_000;
const RERUN_WITHIN_MS = 60_000;

let database: ScratchDatabase | undefined;
let sql: Sql | undefined;
afterAll(async () => {
  await stopAllChildren();
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

it('kill -9 of the app and its worker mid-ingest and mid-dispatch loses nothing acknowledged and reruns held jobs within a minute', async () => {
  database = await createScratchDatabase({ prefix: 'gw_faults_crash' });
  sql = createSql(database.url, { max: 5 });
  const port = await freePort();
  let app = await startGateway({
    name: 'crash',
    databaseUrl: database.url,
    worker: 'off',
    port,
  });
  let worker = await startFaultsWorker({
    name: 'crash',
    databaseUrl: database.url,
    pauseMs: STUCK_HANDLER_MS,
  });

  const payments = Array.from({ length: PAYMENTS }, (_, i) =>
    newPayment({ purpose: i % 3 === 0 ? 'SUBSCRIPTION_INVOICE' : 'SALE' }),
  );
  await inParallel(payments, 8, (p) => registerViaApi(app.url, p.attempt));
  // Every payment once, a fifth of them twice more as new relay messages.
  const messages = payments.flatMap((p, i) =>
    i % 5 === 0
      ? [messageFor(p), messageFor(p), messageFor(p)]
      : [messageFor(p)],
  );
  const clients = runClients(app.url, messages, { clients: 8 });

  // Kill while deliveries are in flight and the worker holds jobs.
  const db = sql;
  await waitFor(
    'ingest under way and jobs held by the worker',
    async () => {
      const [row] = await db<{ held: number }[]>`
        select count(*)::int as held from graphile_worker.jobs
        where locked_by is not null and task_identifier = 'dispatch'
      `;
      return clients.acknowledgedSoFar() >= messages.length / 4 &&
        (row?.held ?? 0) >= 4
        ? true
        : undefined;
    },
    { timeoutMs: 60_000, everyMs: 50 },
  );
  const held = await sql<{ dispatchId: string }[]>`
    select substring(key from 10) as "dispatchId" from graphile_worker.jobs
    where locked_by is not null and task_identifier = 'dispatch'
  `;
  const acknowledgedBeforeKill = clients.acknowledgedSoFar();
  await Promise.all([app.child.kill(), worker.kill()]);
  const killedAt = Date.now();

  app = await startGateway({
    name: 'crash',
    databaseUrl: database.url,
    worker: 'off',
    port,
  });
  const appBackMs = Date.now() - killedAt;
  worker = await startFaultsWorker({
    name: 'crash',
    databaseUrl: database.url,
    pauseMs: 0,
  });
  const restartedAt = Date.now();
  const heldIds = held.map((h) => h.dispatchId);
  const rerunMs = await waitFor(
    'the jobs the dead worker held to run again',
    async () => {
      const [row] = await db<{ done: number }[]>`
        select count(*)::int as done from dispatches
        where id = any(${heldIds}::uuid[]) and status = 'succeeded'
      `;
      return row?.done === heldIds.length
        ? Date.now() - restartedAt
        : undefined;
    },
    { timeoutMs: 5 * 60_000, everyMs: 250 },
  );

  const outcomes = await clients.done;
  const settleMs = await waitForSettled(sql, 120_000);
  const books = await checkBooks(sql, { outcomes, payments });
  const runs = await handlerRuns(sql);
  const counts = tally(outcomes);
  recordScenario('crash', {
    payments: PAYMENTS,
    messages: counts.messages,
    requests: counts.requests,
    acknowledged: counts.acknowledged,
    acknowledgedBeforeKill,
    answered2xx: counts.answered2xx,
    answered503: counts.answered503,
    noAnswer: counts.noAnswer,
    retries: counts.retries,
    otherStatuses: counts.otherStatuses,
    events: books.events,
    confirmations: books.confirmations,
    jobsHeldAtKill: heldIds.length,
    appBackMs,
    heldJobsRerunMs: rerunMs,
    settleMs,
    handlerRuns: runs.length,
    problems: books.problems.length,
  });

  expect.soft(books.problems).toEqual([]);
  expect.soft(counts.givenUp).toBe(0);
  expect.soft(books.events).toBe(PAYMENTS);
  expect.soft(books.confirmations).toBe(PAYMENTS);
  expect.soft(heldIds.length).toBeGreaterThanOrEqual(4);
  expect.soft(rerunMs).toBeLessThan(RERUN_WITHIN_MS);
});
