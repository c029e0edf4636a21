import { Logger as GraphileLogger, run, type Runner } from 'graphile-worker';

import type { Sql } from '../../db/client';
import type { Logger } from '../logger';
import { setWorkerStatus } from '../runtime/worker-status';
import type { Registry } from './registry';
import { createDispatchTask, DISPATCH_TASK } from './run-dispatch';

export type Worker = { stop: () => Promise<void> };

/**
 * Starts a dispatch worker on the database's own queue. Any number of them,
 * in any number of processes, share the work: jobs are claimed with
 * SKIP LOCKED. `stop` takes no new jobs and waits for the running ones.
 */
export async function startWorker(options: {
  databaseUrl: string;
  sql: Sql;
  registry: Registry;
  log: Logger;
  concurrency: number;
}): Promise<Worker> {
  const log = options.log.child({ component: 'worker' });
  const runner: Runner = await run({
    connectionString: options.databaseUrl,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: graphileLogger(log),
    taskList: {
      [DISPATCH_TASK]: createDispatchTask({ sql: options.sql, registry: options.registry, log }),
    },
  });
  setWorkerStatus('running');
  let stopping = false;
  runner.promise.then(
    () => {
      setWorkerStatus('stopped');
      if (!stopping) log.error('the dispatch worker exited by itself: readiness now fails');
    },
    (error: unknown) => {
      setWorkerStatus('stopped');
      log.error({ err: error }, 'the dispatch worker crashed: readiness now fails');
    },
  );
  log.info({ concurrency: options.concurrency }, 'dispatch worker started');
  return {
    stop: async () => {
      stopping = true;
      await runner.stop();
      log.info('dispatch worker stopped');
    },
  };
}

/** The queue's own messages, through our logger; its job errors we log ourselves. */
function graphileLogger(log: Logger) {
  return new GraphileLogger(() => (level, message) => {
    if (level === 'error') log.error({ source: 'graphile-worker' }, message);
    else if (level === 'warning') log.warn({ source: 'graphile-worker' }, message);
    else log.debug({ source: 'graphile-worker' }, message);
  });
}
