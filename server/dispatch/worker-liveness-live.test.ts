import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  dispatchWorld,
  randomMd5,
  registerSale,
  settledDispatches,
} from '../../test/dispatch-harness';
import { send } from '../../test/ingest-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { confirmPayment } from './handlers/confirm-payment';
import type { PaymentHandler } from './types';

/** Runs per event, to see a handler never start twice. */
const runs = new Map<string, number>();
const slow: PaymentHandler = {
  name: 'slow-sale',
  kind: 'PAYMENT_CONFIRMED',
  purpose: 'SALE',
  handle: async (input) => {
    runs.set(input.event.id, (runs.get(input.event.id) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return confirmPayment(input);
  },
};

let world: Awaited<ReturnType<typeof dispatchWorld>>;
beforeAll(async () => {
  // Two worker pools sweeping every 300 ms for jobs locked over a second:
  // a job that runs for three seconds must still be left to its pool.
  world = await dispatchWorld({
    handlers: [slow],
    workers: 2,
    liveness: { staleAfterSeconds: 1, sweepEveryMs: 300 },
  });
});
afterAll(() => world.close());

// Regression: the sweep knew workers by their worker ids, but the queue
// locks a job with its pool's id, so a live pool's jobs looked orphaned
// and ran a second time.
it('never frees the job of a live worker that is still running it', async () => {
  const md5 = randomMd5();
  await registerSale(world, md5, 'tenant-s');
  const answer = await send(world.ingest, makeConfirmation({ md5 }));
  const eventId = answer.json.eventId as string;
  const [dispatch] = await settledDispatches(world.sql, eventId, 20_000);
  expect(dispatch).toMatchObject({ status: 'succeeded', attempts: 1 });
  expect(runs.get(eventId)).toBe(1);
}, 30_000);
