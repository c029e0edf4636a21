import type { TransactionSql } from 'postgres';

import type { Sql } from '../../db/client';
import { DISPATCH_TASK } from './run-dispatch';

export type Requeued = { id: string; handler: string; previousStatus: string };

/**
 * Runs dispatches again: a retry of a failed or dead one, or the replay of
 * every dispatch of an event. Safe because handlers are idempotent. The job
 * keeps its key, so a queued retry is replaced rather than doubled; a
 * dispatch that is running right now is left alone, since a second job for
 * it would run the handler twice at once.
 */
export type RequeueResult = { requeued: Requeued[]; skippedRunning: string[] };

export async function requeueDispatches(
  sql: Sql,
  target: { dispatchId: string } | { eventId: string },
  /** Runs in the same transaction, e.g. to write the audit entry. */
  alsoInTransaction?: (
    tx: TransactionSql,
    result: RequeueResult,
  ) => Promise<unknown>,
): Promise<RequeueResult> {
  return sql.begin(async (tx) => {
    const rows = await tx<
      { id: string; handler: string; status: string; maxAttempts: number }[]
    >`
      select id, handler, status, max_attempts as "maxAttempts" from dispatches
      where ${
        'dispatchId' in target
          ? tx`id = ${target.dispatchId}`
          : tx`event_id = ${target.eventId}`
      }
      order by created_at
      for update
    `;
    const requeued: Requeued[] = [];
    const skippedRunning: string[] = [];
    for (const row of rows) {
      if (row.status === 'running') {
        skippedRunning.push(row.id);
        continue;
      }
      await tx`
        update dispatches set status = 'pending', updated_at = now(), finished_at = null,
               enqueued_at = coalesce(enqueued_at, now())
        where id = ${row.id}
      `;
      await tx`
        select graphile_worker.add_job(
          ${DISPATCH_TASK},
          json_build_object('dispatchId', ${row.id}::uuid),
          max_attempts := ${row.maxAttempts}::int,
          job_key := ${`dispatch:${row.id}`}
        )
      `;
      requeued.push({
        id: row.id,
        handler: row.handler,
        previousStatus: row.status,
      });
    }
    const result = { requeued, skippedRunning };
    await alsoInTransaction?.(tx, result);
    return result;
  });
}
