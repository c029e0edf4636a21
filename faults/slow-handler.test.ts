import { readFile } from 'node:fs/promises';

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
import { stopAllChildren, waitFor } from './harness/processes';
import { runClients, tally, type RetryPolicy } from './harness/provider';
import { recordScenario } from './harness/summary';
import { handlerRuns, startFaultsWorker } from './harness/worker-process';

/**
 * Longer than a provider waits (PROVIDER.timeoutMs), and long enough that
 * every worker's liveness sweep (every 15 s, for jobs locked over 20 s)
 * sees the jobs while they still run.
 */
const HANDLER_MS = 36_000;
const PAYMENTS = 6;
const PROVIDER: RetryPolicy = {
  maxTries: 10,
  giveUpAfterMs: 60_000,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  timeoutMs: 10_000,
};

let database: ScratchDatabase | undefined;
let sql: Sql | undefined;
afterAll(async () => {
  await stopAllChildren();
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

it('a handler slower than the provider waits never delays the 2xx and never runs twice', async () => {
  database = await createScratchDatabase({ prefix: 'gw_faults_slow' });
  sql = createSql(database.url, { max: 5 });
  const app = await startGateway({
    name: 'slow',
    databaseUrl: database.url,
    worker: 'off',
  });
  // Two worker processes, so each one's sweep looks at the other's jobs.
  const workers = [
    await startFaultsWorker({
      name: 'slow',
      databaseUrl: database.url,
      pauseMs: HANDLER_MS,
    }),
    await startFaultsWorker({
      name: 'slow',
      databaseUrl: database.url,
      pauseMs: HANDLER_MS,
    }),
  ];

  const payments = Array.from({ length: PAYMENTS }, () => newPayment());
  await inParallel(payments, 4, (p) => registerViaSql(sql!, p.attempt));
  const first = await runClients(
    app.url,
    payments.map((p) => messageFor(p)),
    {
      clients: PAYMENTS,
      policy: PROVIDER,
    },
  ).done;

  // While every handler is busy, the same payments arrive again.
  const db = sql;
  await waitFor(
    'every handler to be running',
    async () => {
      const [row] = await db<{ running: number }[]>`
        select count(*)::int as running from dispatches where status = 'running'
      `;
      return row?.running === PAYMENTS ? true : undefined;
    },
    { timeoutMs: 30_000 },
  );
  const again = await runClients(
    app.url,
    payments.flatMap((p) => Array.from({ length: 5 }, () => messageFor(p))),
    { clients: 6, policy: PROVIDER },
  ).done;

  const outcomes = [...first, ...again];
  const settleMs = await waitForSettled(sql, 3 * 60_000);
  const books = await checkBooks(sql, { outcomes, payments });
  const runs = await handlerRuns(sql);
  const runsPerDispatch = new Map<string, number>();
  for (const run of runs) {
    runsPerDispatch.set(
      run.dispatchId,
      (runsPerDispatch.get(run.dispatchId) ?? 0) + 1,
    );
  }
  const twice = [...runsPerDispatch].filter(([, n]) => n > 1);
  const logs = await Promise.all(
    workers.map((w) => readFile(w.logFile, 'utf8')),
  );
  const stolen = logs
    .join('\n')
    .split('\n')
    .filter((l) => l.includes('freed the jobs of a worker'));
  const counts = tally(outcomes);
  recordScenario('slow-handler', {
    handlerMs: HANDLER_MS,
    providerTimeoutMs: PROVIDER.timeoutMs,
    requests: counts.requests,
    answered2xx: counts.answered2xx,
    maxAnswerMs: counts.maxAnswerMs,
    events: books.events,
    confirmations: books.confirmations,
    handlerRuns: runs.length,
    dispatchesRunTwice: twice.length,
    liveJobsFreedBySweep: stolen.length,
    settleMs,
    problems: books.problems.length,
  });

  expect.soft(counts.answered2xx).toBe(counts.requests);
  // Far below the handler's 36 s and within what a provider waits.
  expect.soft(counts.maxAnswerMs).toBeLessThan(PROVIDER.timeoutMs / 2);
  expect.soft(books.problems).toEqual([]);
  expect.soft(stolen).toEqual([]);
  expect.soft(twice).toEqual([]);
  expect.soft(runs).toHaveLength(PAYMENTS);
});
