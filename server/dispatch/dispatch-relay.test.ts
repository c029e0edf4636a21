import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  dispatchWorld,
  eventually,
  randomMd5,
  registerSale,
} from '../../test/dispatch-harness';
import { send } from '../../test/ingest-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { signalDispatchesPending } from '../runtime/dispatch-signal';
import { createDispatchRelay } from './dispatch-relay';

// No worker: the relays under test are the only ones moving rows.
let world: Awaited<ReturnType<typeof dispatchWorld>>;
beforeAll(async () => {
  world = await dispatchWorld({ workers: 0 });
});
afterAll(() => world.close());

const silent = pino({ level: 'silent' });

/** Registers `count` sales and delivers their payments; returns the md5s. */
async function paidSales(count: number) {
  const md5s = Array.from({ length: count }, randomMd5);
  for (const md5 of md5s) {
    await registerSale(world, md5, 'tenant-r');
    const answer = await send(world.ingest, makeConfirmation({ md5 }));
    expect(answer.status).toBe(200);
  }
  return md5s;
}

/** Each dispatch of these payments: whether it awaits the relay, its jobs. */
async function queueState(md5s: string[]) {
  return world.sql<{ id: string; awaiting: boolean; jobs: number }[]>`
    select d.id, d.enqueued_at is null as awaiting,
           (select count(*)::int from graphile_worker._private_jobs j
             where j.key = 'dispatch:' || d.id
               and j.payload->>'dispatchId' = d.id::text) as jobs
    from dispatches d join events e on e.id = d.event_id
    where e.correlation_key = any(${md5s})
  `;
}

it('records a delivery with its dispatch row but adds no job in that transaction', async () => {
  const md5s = await paidSales(2);
  const rows = await queueState(md5s);
  expect(rows).toHaveLength(2);
  expect(rows.every((row) => row.awaiting && row.jobs === 0)).toBe(true);
  await world.sql`select enqueue_pending_dispatches(1000)`;
});

it('moves every waiting dispatch into the queue once, in batches, when signalled', async () => {
  const md5s = await paidSales(7);
  const relay = createDispatchRelay({
    sql: world.sql,
    log: silent,
    // No polling during the test: only the signal can start a pass.
    timing: { intervalMs: 60_000, batchSize: 3 },
  });
  relay.start();
  try {
    // start() runs a first pass; a signal later finds nothing more to do.
    await eventually(async () => {
      const rows = await queueState(md5s);
      return rows.every((row) => !row.awaiting) ? rows : undefined;
    }, 'the relay to move all seven dispatches');
    const rows = await queueState(md5s);
    expect(rows.map((row) => row.jobs)).toEqual([1, 1, 1, 1, 1, 1, 1]);

    // New rows after the first pass move on the signal, not on a poll.
    const later = await paidSales(2);
    signalDispatchesPending();
    await eventually(
      async () => {
        const state = await queueState(later);
        return state.every((row) => !row.awaiting && row.jobs === 1)
          ? true
          : undefined;
      },
      'the signalled pass',
      5_000,
    );
  } finally {
    await relay.stop();
  }
});

it('never adds a dispatch twice when relays in several processes race', async () => {
  const md5s = await paidSales(40);
  const relays = Array.from({ length: 4 }, () =>
    createDispatchRelay({
      sql: world.sql,
      log: silent,
      timing: { intervalMs: 5, batchSize: 4 },
    }),
  );
  for (const relay of relays) relay.start();
  try {
    await eventually(async () => {
      const rows = await queueState(md5s);
      return rows.every((row) => !row.awaiting) ? true : undefined;
    }, 'four racing relays to move forty dispatches');
  } finally {
    await Promise.all(relays.map((relay) => relay.stop()));
  }
  const rows = await queueState(md5s);
  expect(rows).toHaveLength(40);
  expect(rows.filter((row) => row.jobs !== 1)).toEqual([]);
  const [total] = await world.sql<{ jobs: number; keys: number }[]>`
    select count(*)::int as jobs, count(distinct key)::int as keys
    from graphile_worker.jobs where task_identifier = 'dispatch'
  `;
  expect(total?.jobs).toBe(total?.keys);
});

it('keeps the rows while the database refuses, and moves them once it answers', async () => {
  const md5s = await paidSales(2);
  await world.sql`alter function enqueue_pending_dispatches(integer) rename to enqueue_away`;
  const relay = createDispatchRelay({
    sql: world.sql,
    log: silent,
    timing: { intervalMs: 10, batchSize: 100 },
  });
  try {
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await queueState(md5s)).every((row) => row.awaiting)).toBe(true);
  } finally {
    await world.sql`alter function enqueue_away(integer) rename to enqueue_pending_dispatches`;
  }
  try {
    // Backoff is at most two seconds.
    await eventually(
      async () => {
        const rows = await queueState(md5s);
        return rows.every((row) => !row.awaiting && row.jobs === 1)
          ? true
          : undefined;
      },
      'the relay to recover',
      5_000,
    );
  } finally {
    await relay.stop();
  }
});
