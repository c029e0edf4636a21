import type { Sql } from '../../db/client';

export type RetentionPolicy = {
  /** Raw bodies of deliveries older than this are removed. */
  rawBodyDays: number;
  /** Refused deliveries (never verified) older than this are deleted. */
  rejectedDays: number;
};

export type Pruned = { bodiesPruned: number; rejectedDeleted: number };

const BATCH = 1000;
/** Per run: a backlog is worked off over several runs, never in one long lock. */
const MAX_BATCHES = 50;

/**
 * Ages out what the gateway need not keep forever, in small batches that
 * skip rows someone else holds. A pruned delivery keeps its metadata, its
 * body's size and sha256, and its event; only the bytes go. The audit log
 * is never pruned by the application.
 */
export async function pruneRetention(
  sql: Sql,
  policy: RetentionPolicy,
): Promise<Pruned> {
  let bodiesPruned = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const rows = await sql`
      update deliveries set body = null
      where id in (
        select id from deliveries
        where body is not null
          and received_at < now() - make_interval(days => ${policy.rawBodyDays})
        order by received_at
        limit ${BATCH}
        for update skip locked
      )
      returning id
    `;
    bodiesPruned += rows.length;
    if (rows.length < BATCH) break;
  }
  let rejectedDeleted = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const rows = await sql`
      delete from deliveries
      where id in (
        select id from deliveries
        where outcome = 'rejected'
          and received_at < now() - make_interval(days => ${policy.rejectedDays})
        order by received_at
        limit ${BATCH}
        for update skip locked
      )
      returning id
    `;
    rejectedDeleted += rows.length;
    if (rows.length < BATCH) break;
  }
  return { bodiesPruned, rejectedDeleted };
}
