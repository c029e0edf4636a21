import { readFile } from 'node:fs/promises';

import type { Sql } from '../../db/client';
import { spawnNode, waitFor, type Child } from './processes';

let starts = 0;

/**
 * Starts faults/harness/slow-worker.ts in its own process group and waits
 * for its ready line. `pauseMs` makes every handler run that much longer.
 */
export async function startFaultsWorker(options: {
  name: string;
  databaseUrl: string;
  pauseMs: number;
  concurrency?: number;
}): Promise<Child> {
  starts += 1;
  const child = spawnNode({
    script: 'faults/harness/slow-worker.ts',
    logName: `${options.name}-worker-${starts}.log`,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      DATABASE_URL: options.databaseUrl,
      SLOW_HANDLER_MS: String(options.pauseMs),
      WORKER_CONCURRENCY: String(options.concurrency ?? 4),
    },
  });
  await Promise.race([
    waitFor(
      'the faults worker to be ready',
      async () =>
        (await readFile(child.logFile, 'utf8')).includes('faults worker ready')
          ? true
          : undefined,
      { timeoutMs: 60_000, everyMs: 100 },
    ),
    child.exited.then((how) => {
      throw new Error(
        `the faults worker exited (${how}); see ${child.logFile}`,
      );
    }),
  ]);
  return child;
}

export type HandlerRun = {
  dispatchId: string;
  eventId: string;
  pid: number;
  startedAt: Date;
};

/** Every handler run the faults workers recorded. */
export function handlerRuns(sql: Sql): Promise<HandlerRun[]> {
  return sql<HandlerRun[]>`
    select dispatch_id as "dispatchId", event_id as "eventId", pid, started_at as "startedAt"
    from faults_handler_runs order by id
  `;
}
