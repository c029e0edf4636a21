import { EventEmitter } from 'node:events';

import type { ReservedSql } from 'postgres';

import type { Sql } from '../../db/client';
import type { Logger } from '../logger';

/** A job locked longer than this by a worker with no liveness lock is freed. */
const STALE_AFTER_SECONDS = 20;
const SWEEP_EVERY_MS = 15_000;

export type LivenessTiming = {
  staleAfterSeconds: number;
  sweepEveryMs: number;
};

/**
 * Frees the jobs of workers that died without releasing them (a `kill -9`,
 * a lost machine), which the queue itself would hold for four hours.
 *
 * The queue locks a job with the id of the worker pool that took it. Each
 * live pool holds a session advisory lock named by that id on one dedicated
 * connection of its process. PostgreSQL drops those locks
 * with the connection when the process dies, so a sweep, in any process,
 * that can take the lock of a job's worker knows that worker is gone and
 * unlocks its jobs. Jobs locked only moments ago are left alone, so a
 * worker that has just started and not yet taken its lock is never robbed.
 */
export function createWorkerLiveness(
  sql: Sql,
  log: Logger,
  timing: LivenessTiming = {
    staleAfterSeconds: STALE_AFTER_SECONDS,
    sweepEveryMs: SWEEP_EVERY_MS,
  },
) {
  const events = new EventEmitter();
  const ours = new Set<string>();
  const locked = new Set<string>();
  let connection: ReservedSql | null = null;
  let timer: NodeJS.Timeout | undefined;
  // One lock-taking pass at a time: concurrent passes would each reserve a
  // connection and leak all but one.
  let pass: Promise<void> = Promise.resolve();
  const holdLocks = () => (pass = pass.then(takeLocks));

  events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => {
    ours.add(workerPool.id);
    void holdLocks();
  });
  // The jobs a worker of ours is running right now. A job our own live pool
  // holds that none of them runs was orphaned by a database outage: the
  // queue's lock was written but its answer lost, or the job's completion
  // or failure could not be written. Nobody else would free it for 4 hours.
  const active = new Set<string>();
  events.on('job:start', ({ job }: { job: { id: string } }) => {
    active.add(String(job.id));
  });
  events.on('job:complete', ({ job }: { job: { id: string } }) => {
    active.delete(String(job.id));
  });

  async function takeLocks() {
    try {
      connection ??= await sql.reserve();
      for (const id of ours) {
        if (locked.has(id)) continue;
        await connection`select pg_advisory_lock(hashtextextended(${`worker:${id}`}, 0))`;
        locked.add(id);
      }
    } catch (error) {
      // The connection died (a database restart): take the locks again on a
      // new one at the next sweep.
      log.warn(
        { err: error },
        'lost the worker liveness connection; retaking it',
      );
      connection?.release();
      connection = null;
      locked.clear();
    }
  }

  async function sweep() {
    await holdLocks();
    try {
      const stale = await sql<{ workerId: string; jobId: string }[]>`
        select locked_by as "workerId", id::text as "jobId"
        from graphile_worker.jobs
        where locked_by is not null
          and locked_at < now() - make_interval(secs => ${timing.staleAfterSeconds})
      `;
      const orphans = stale
        .filter((job) => ours.has(job.workerId) && !active.has(job.jobId))
        .map((job) => job.jobId);
      if (orphans.length > 0) {
        await sql`
          update graphile_worker._private_jobs
             set locked_by = null, locked_at = null
           where id = any(${orphans}::bigint[])
             and locked_by = any(${[...ours]}::text[])
        `;
        log.warn(
          { jobs: orphans.length },
          'freed jobs this worker held but no longer ran (lost in a database outage)',
        );
      }
      for (const workerId of new Set(stale.map((job) => job.workerId))) {
        if (ours.has(workerId)) continue;
        await freeIfDead(workerId);
      }
    } catch (error) {
      log.warn({ err: error }, 'could not sweep for the jobs of dead workers');
    }
  }

  async function freeIfDead(workerId: string) {
    const probe = await sql.reserve();
    try {
      const key = `worker:${workerId}`;
      const [row] = await probe<{ free: boolean }[]>`
        select pg_try_advisory_lock(hashtextextended(${key}, 0)) as free
      `;
      if (!row?.free) return;
      await probe`select graphile_worker.force_unlock_workers(${[workerId]}::text[])`;
      await probe`select pg_advisory_unlock(hashtextextended(${key}, 0))`;
      log.warn(
        { workerId },
        'freed the jobs of a worker that died holding them',
      );
    } finally {
      probe.release();
    }
  }

  return {
    /** Pass to graphile-worker's `run({ events })`. */
    events,
    /**
     * The queue's pool died (it lost the database mid-batch): nothing it
     * held runs any more, so its jobs become orphans the sweep frees.
     */
    forgetHeldJobs: () => active.clear(),
    start: () => {
      void sweep();
      timer = setInterval(() => void sweep(), timing.sweepEveryMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await pass;
      if (connection) {
        await connection`select pg_advisory_unlock_all()`.catch(() => {});
        connection.release();
        connection = null;
      }
    },
  };
}
