import type { Sql } from '../../db/client';
import type { Logger } from '../logger';
import { onDispatchesPending } from '../runtime/dispatch-signal';

export type RelayTiming = {
  /** How often to look for dispatches without a job when nobody signals. */
  intervalMs: number;
  /** The most dispatches moved into the queue by one statement. */
  batchSize: number;
};

export const DEFAULT_RELAY_TIMING: RelayTiming = {
  intervalMs: 50,
  batchSize: 500,
};

const MAX_BACKOFF_MS = 2000;

/**
 * Moves dispatch rows that have no job yet into the queue. The recording
 * transaction only inserts the row (see migration 0009): adding the job
 * there would put the queue's NOTIFY, and the commit lock every notifying
 * transaction shares, on the webhook's path.
 *
 * One pass at a time per process. A signal from this process (a delivery
 * or registration that resolved an event) starts a pass at once; signals
 * during a pass start exactly one more, so a burst becomes a few batches.
 * Without signals (rows written by another process) a pass runs every
 * `intervalMs`. A failing pass (the database away) is retried with backoff;
 * the rows wait in the table meanwhile, so nothing is lost.
 */
export function createDispatchRelay(options: {
  sql: Sql;
  log: Logger;
  timing?: RelayTiming;
}) {
  const { sql, log } = options;
  const { intervalMs, batchSize } = options.timing ?? DEFAULT_RELAY_TIMING;
  let stopped = true;
  let again = false;
  let failures = 0;
  let pass: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  async function drain() {
    do {
      again = false;
      const [row] = await sql<{ moved: number }[]>`
        select enqueue_pending_dispatches(${batchSize}) as moved
      `;
      if ((row?.moved ?? 0) >= batchSize) again = true;
    } while (again && !stopped);
  }

  function run() {
    if (stopped) return;
    if (pass) {
      again = true;
      return;
    }
    clearTimeout(timer);
    pass = drain().then(
      () => {
        if (failures > 0) log.info('dispatch relay reaches the queue again');
        failures = 0;
      },
      (error: unknown) => {
        failures += 1;
        if (failures === 1 || failures % 50 === 0)
          log.warn(
            { err: error, failures },
            'dispatch relay could not move dispatches to the queue; retrying',
          );
      },
    );
    void pass.finally(() => {
      pass = null;
      if (stopped) return;
      if (again && failures === 0) return run();
      const delay =
        failures === 0
          ? intervalMs
          : Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** failures);
      timer = setTimeout(run, delay);
      timer.unref();
    });
  }

  return {
    start() {
      stopped = false;
      unsubscribe = onDispatchesPending(run);
      run();
    },
    /** Starts a pass now (or right after the running one). */
    signal: run,
    async stop() {
      stopped = true;
      unsubscribe?.();
      clearTimeout(timer);
      await pass;
    },
  };
}
