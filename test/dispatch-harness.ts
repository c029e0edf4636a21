import { randomBytes } from 'node:crypto';

import pino from 'pino';
import { inject } from 'vitest';

import { createSql, type Sql } from '../db/client';
import { createDatabaseOn } from '../db/scratch-database';
import type { Caller } from '../server/auth/caller';
import {
  createRegistry,
  DEFAULT_HANDLERS,
  type Registry,
} from '../server/dispatch/registry';
import { startWorker, type Worker } from '../server/dispatch/start-worker';
import type { PaymentHandler } from '../server/dispatch/types';
import type { LivenessTiming } from '../server/dispatch/worker-liveness';
import { ingestContext } from './ingest-harness';
import { ADMIN, callerFor } from './trpc-harness';

/**
 * A database of the test file's own, with workers: dispatch jobs must not
 * be claimed by another file's workers running a different registry.
 */
export async function dispatchWorld(
  options: {
    handlers?: readonly PaymentHandler[];
    maxAttempts?: number;
    workers?: number;
    liveness?: LivenessTiming;
  } = {},
) {
  const database = await createDatabaseOn(
    inject('serverUrl'),
    `gw_dispatch_${randomBytes(5).toString('hex')}`,
  );
  const sql = createSql(database.url, { max: 20 });
  const registry: Registry = createRegistry(
    options.handlers ?? DEFAULT_HANDLERS,
    options.maxAttempts ?? 3,
  );
  const workers: Worker[] = [];
  const addWorker = async () => {
    const worker = await startWorker({
      databaseUrl: database.url,
      sql,
      registry,
      log: pino({ level: 'silent' }),
      concurrency: 4,
      liveness: options.liveness,
    });
    workers.push(worker);
    return worker;
  };
  for (let i = 0; i < (options.workers ?? 1); i += 1) await addWorker();
  const ingest = ingestContext(sql, { dispatch: registry.routes });
  const as = (caller: Caller) => callerFor(caller, sql, registry.routes);
  return {
    url: database.url,
    sql,
    registry,
    ingest,
    as,
    addWorker,
    close: async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
      await sql.end({ timeout: 5 });
      await database.drop();
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const randomMd5 = () => randomBytes(16).toString('hex');

/** The dispatch rows of an event once none is pending or running. */
export function settledDispatches(
  sql: Sql,
  eventId: string,
  timeoutMs?: number,
) {
  return eventually(
    async () => {
      const rows = await sql<
        {
          id: string;
          status: string;
          handler: string;
          attempts: number;
          outcome: { result: string; anomalies: string[] } | null;
          lastError: string | null;
        }[]
      >`
        select id, status, handler, attempts, outcome, last_error as "lastError"
        from dispatches where event_id = ${eventId} order by created_at
      `;
      const settled =
        rows.length > 0 &&
        rows.every((r) => ['succeeded', 'dead'].includes(r.status));
      return settled ? rows : undefined;
    },
    `the dispatches of event ${eventId} to settle`,
    timeoutMs,
  );
}

/** Registers a 25 000 KHR sale expected at the demo account under `md5`. */
export function registerSale(
  world: { as: (caller: Caller) => ReturnType<typeof callerFor> },
  md5: string,
  tenantId: string,
) {
  return world.as(ADMIN).paymentAttempts.register({
    md5,
    tenantId,
    purpose: 'SALE',
    targetRef: `sale-${md5.slice(0, 6)}`,
    amount: '25000',
    currency: 'KHR',
    receiverAccountId: 'demo_cafe@devb',
  });
}
