import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  dispatchWorld,
  randomMd5,
  registerSale,
  settledDispatches,
} from '../../test/dispatch-harness';
import { send } from '../../test/ingest-harness';
import { getMetrics } from '../metrics/metrics';
import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { getWorkerStatus } from '../runtime/worker-status';
import { startWorkerThread } from './start-worker-thread';

// The worker as `npm start` runs it: in a thread of this process.
let world: Awaited<ReturnType<typeof dispatchWorld>>;
beforeAll(async () => {
  world = await dispatchWorld({ workers: 0 });
});
afterAll(() => world.close());

const succeededRuns = async () => {
  const metric = await getMetrics().dispatchRuns.get();
  return metric.values
    .filter((v) => v.labels.status === 'succeeded')
    .reduce((sum, v) => sum + v.value, 0);
};

it('confirms payments from its thread, counts the runs here, and stops cleanly', async () => {
  const before = await succeededRuns();
  const worker = await startWorkerThread(
    {
      databaseUrl: world.url,
      concurrency: 4,
      maxAttempts: 3,
      logLevel: 'silent',
    },
    pino({ level: 'silent' }),
  );
  try {
    expect(getWorkerStatus()).toBe('running');
    const md5s = [randomMd5(), randomMd5(), randomMd5()];
    const eventIds: string[] = [];
    for (const md5 of md5s) {
      await registerSale(world, md5, 'tenant-w');
      const answer = await send(world.ingest, makeConfirmation({ md5 }));
      expect(answer.status).toBe(200);
      eventIds.push(answer.json.eventId as string);
    }
    for (const eventId of eventIds) {
      const [dispatch] = await settledDispatches(world.sql, eventId);
      expect(dispatch).toMatchObject({
        status: 'succeeded',
        outcome: { result: 'confirmed' },
      });
    }
    const [row] = await world.sql<{ confirmations: number }[]>`
      select count(*)::int as confirmations from confirmations c
      join events e on e.id = c.event_id where e.correlation_key = any(${md5s})
    `;
    expect(row?.confirmations).toBe(3);
    expect((await succeededRuns()) - before).toBe(3);
  } finally {
    await worker.stop();
  }
  expect(getWorkerStatus()).toBe('stopped');
});
