import {
  Logger as GraphileLogger,
  run,
  type Runner,
  type WorkerEvents,
} from 'graphile-worker';

import type { Sql } from '../../db/client';
import type { Logger } from '../logger';
import {
  pruneRetention,
  type RetentionPolicy,
} from '../retention/prune-retention';
import { setWorkerStatus, type WorkerStatus } from '../runtime/worker-status';
import { createDispatchRelay, type RelayTiming } from './dispatch-relay';
import type { Registry } from './registry';
import { createDispatchTask, DISPATCH_TASK } from './run-dispatch';
import { createWorkerLiveness, type LivenessTiming } from './worker-liveness';

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
  /** Unset: this worker runs no retention (tests). */
  retention?: RetentionPolicy;
  /** How soon the jobs of dead workers are freed; tests shorten it. */
  liveness?: LivenessTiming;
  /** How the relay moves new dispatches into the queue. */
  relay?: RelayTiming;
  /** Where the worker's state goes; the readiness probe reads it. */
  onStatus?: (status: WorkerStatus) => void;
}): Promise<Worker> {
  const setStatus = options.onStatus ?? setWorkerStatus;
  const log = options.log.child({ component: 'worker' });
  const { retention } = options;
  const liveness = createWorkerLiveness(options.sql, log, options.liveness);
  const launch = (): Promise<Runner> =>
    run({
      connectionString: options.databaseUrl,
      events: liveness.events as WorkerEvents,
      concurrency: options.concurrency,
      noHandleSignals: true,
      pollInterval: 1000,
      // No local queue and no batched completion: with either, a pool that
      // loses the database while it holds fetched or finished jobs exits
      // for good (graphile-worker 0.17), which the fault suite's database
      // restart showed; one job per fetch keeps the queue's own recovery.
      logger: graphileLogger(log),
      taskList: {
        [DISPATCH_TASK]: createDispatchTask({
          sql: options.sql,
          registry: options.registry,
          log,
        }),
        ...(retention && {
          [RETENTION_TASK]: pruneTask(options.sql, retention, log),
        }),
      },
      // The queue's cron runs each tick once across all workers.
      crontab: retention ? `*/10 * * * * ${RETENTION_TASK}` : '',
    });

  let runner: Runner = await launch();
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarts = 0;
  // The queue's pool exits when it loses the database mid-batch (a restart
  // of PostgreSQL): start a new one, with backoff, until it runs again. Jobs
  // the old pool held are freed by the liveness sweep.
  const watch = (current: Runner) => {
    current.promise.then(
      () => onExit(null),
      (error: unknown) => onExit(error),
    );
  };
  const onExit = (error: unknown) => {
    if (stopping) return;
    setStatus('stopped');
    liveness.forgetHeldJobs();
    log.error(
      { err: error ?? undefined, restarts },
      'the dispatch worker stopped by itself; starting it again (readiness fails meanwhile)',
    );
    scheduleRestart();
  };
  const scheduleRestart = () => {
    const delay = Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** restarts);
    restarts += 1;
    restartTimer = setTimeout(() => {
      launch().then(
        (next) => {
          if (stopping) return void next.stop();
          runner = next;
          restarts = 0;
          watch(next);
          setStatus('running');
          log.info('dispatch worker running again');
        },
        (error: unknown) => {
          log.warn({ err: error }, 'the dispatch worker could not start yet');
          if (!stopping) scheduleRestart();
        },
      );
    }, delay);
    restartTimer.unref();
  };
  watch(runner);
  liveness.start();
  // After run(): the queue's schema, which the relay writes to, exists now.
  const relay = createDispatchRelay({
    sql: options.sql,
    log,
    timing: options.relay,
  });
  relay.start();
  setStatus('running');
  log.info({ concurrency: options.concurrency }, 'dispatch worker started');
  return {
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await relay.stop();
      await runner.stop().catch(() => {});
      await liveness.stop();
      setStatus('stopped');
      log.info('dispatch worker stopped');
    },
  };
}

const RESTART_FIRST_MS = 500;
const RESTART_MAX_MS = 10_000;

/** The queue's own messages, through our logger; its job errors we log ourselves. */
function graphileLogger(log: Logger) {
  return new GraphileLogger(() => (level, message) => {
    if (level === 'error') log.error({ source: 'graphile-worker' }, message);
    else if (level === 'warning')
      log.warn({ source: 'graphile-worker' }, message);
    else log.debug({ source: 'graphile-worker' }, message);
  });
}

const RETENTION_TASK = 'prune_retention';

function pruneTask(sql: Sql, policy: RetentionPolicy, log: Logger) {
  return async () => {
    const started = performance.now();
    const pruned = await pruneRetention(sql, policy);
    log.info(
      {
        ...pruned,
        ...policy,
        durationMs: Math.round(performance.now() - started),
      },
      'retention pruned old raw bodies and refused deliveries',
    );
  };
}
