import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  dispatchWorld,
  eventually,
  randomMd5,
  registerSale,
} from '../../test/dispatch-harness';
import { send } from '../../test/ingest-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';

let world: Awaited<ReturnType<typeof dispatchWorld>>;
beforeAll(async () => {
  world = await dispatchWorld({ workers: 0 });
});
afterAll(() => world.close());

/** A paid sale whose dispatch job a worker that no longer runs holds. */
async function jobHeldBy(workerId: string, lockedSecondsAgo: number) {
  const md5 = randomMd5();
  await registerSale(world, md5, 'tenant-l');
  const answer = await send(world.ingest, makeConfirmation({ md5 }));
  const eventId = answer.json.eventId as string;
  // The dead worker's relay had moved the dispatch into the queue.
  await world.sql`select enqueue_pending_dispatches(100)`;
  await world.sql`
    update graphile_worker._private_jobs
       set locked_by = ${workerId},
           locked_at = now() - make_interval(secs => ${lockedSecondsAgo}),
           attempts = 1
     where key = (select 'dispatch:' || id from dispatches where event_id = ${eventId})
  `;
  return eventId;
}

const statusOf = async (eventId: string) => {
  const [row] = await world.sql<{ status: string }[]>`
    select status from dispatches where event_id = ${eventId}
  `;
  return row?.status;
};

it('frees the jobs of a worker that died holding them, and leaves a live one alone', async () => {
  const orphan = await jobHeldBy('worker-killed-9', 60);
  const alive = await jobHeldBy('worker-still-running', 60);
  // The live worker's process holds its liveness lock on its own connection.
  const other = await world.sql.reserve();
  await other`select pg_advisory_lock(hashtextextended('worker:worker-still-running', 0))`;
  try {
    await world.addWorker();
    await eventually(
      async () => ((await statusOf(orphan)) === 'succeeded' ? true : undefined),
      'the orphaned job to run on the new worker',
    );
    expect(await statusOf(alive)).toBe('pending');
    const [job] = await world.sql`
      select locked_by from graphile_worker._private_jobs
      where key = (select 'dispatch:' || id from dispatches where event_id = ${alive})
    `;
    expect(job?.locked_by).toBe('worker-still-running');
  } finally {
    await other`select pg_advisory_unlock_all()`;
    other.release();
  }
});
