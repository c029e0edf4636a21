import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  dispatchWorld,
  eventually,
  randomMd5,
  settledDispatches,
} from '../../test/dispatch-harness';
import { send } from '../../test/ingest-harness';
import { ADMIN } from '../../test/trpc-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { confirmPayment } from './handlers/confirm-payment';
import type { PaymentHandler } from './types';

/** Fails as many times as told per target, then confirms like the real one. */
const failuresLeft = new Map<string, number>();
const flaky: PaymentHandler = {
  name: 'flaky-sale',
  kind: 'PAYMENT_CONFIRMED',
  purpose: 'SALE',
  handle: async (input) => {
    const left = failuresLeft.get(input.attempt.targetRef) ?? 0;
    if (left > 0) {
      failuresLeft.set(input.attempt.targetRef, left - 1);
      throw new Error(
        `the POS service is unavailable (${left} failure(s) to go)`,
      );
    }
    return confirmPayment(input);
  },
};

let world: Awaited<ReturnType<typeof dispatchWorld>>;
beforeAll(async () => {
  world = await dispatchWorld({ handlers: [flaky], maxAttempts: 3 });
});
afterAll(() => world.close());

async function paidSale(failures: number) {
  const targetRef = `sale-${randomMd5().slice(0, 8)}`;
  failuresLeft.set(targetRef, failures);
  const md5 = randomMd5();
  await world.as(ADMIN).paymentAttempts.register({
    md5,
    tenantId: 'tenant-a',
    purpose: 'SALE',
    targetRef,
    amount: '25000',
    currency: 'KHR',
    receiverAccountId: 'demo_cafe@devb',
  });
  const answer = await send(world.ingest, makeConfirmation({ md5 }));
  return { targetRef, eventId: answer.json.eventId as string };
}

it('a handler that fails twice is retried with backoff and then succeeds', async () => {
  const { targetRef, eventId } = await paidSale(2);
  const failed = await eventually(async () => {
    const [row] =
      await world.sql`select status, last_error from dispatches where event_id = ${eventId}`;
    return row?.status === 'failed' ? row : undefined;
  }, 'the first failure');
  expect(failed.last_error).toMatch(/POS service is unavailable/);

  const [dispatch] = await settledDispatches(world.sql, eventId, 30_000);
  expect(dispatch).toMatchObject({
    status: 'succeeded',
    attempts: 3,
    lastError: null,
  });
  expect(dispatch?.outcome?.result).toBe('confirmed');
  const confirmations =
    await world.sql`select id from confirmations where target_ref = ${targetRef}`;
  expect(confirmations).toHaveLength(1);
}, 40_000);

it('a handler that always fails ends dead with an anomaly, and a retry revives it', async () => {
  const { targetRef, eventId } = await paidSale(3);
  const [dead] = await settledDispatches(world.sql, eventId, 30_000);
  expect(dead).toMatchObject({ status: 'dead', attempts: 3 });
  const [anomaly] = await world.sql`
    select status, tenant_id, detail from anomalies
    where kind = 'dispatch_failed' and subject = ${dead!.id}
  `;
  expect(anomaly).toMatchObject({ status: 'open', tenant_id: 'tenant-a' });
  expect(anomaly!.detail).toMatchObject({ handler: 'flaky-sale', attempts: 3 });

  // The POS is back: ops retry the dead dispatch.
  const retried = await world.as(ADMIN).dispatches.retry({ id: dead!.id });
  expect(retried.requeued).toEqual([
    { id: dead!.id, handler: 'flaky-sale', previousStatus: 'dead' },
  ]);
  const revived = await eventually(async () => {
    const [row] =
      await world.sql`select status from dispatches where id = ${dead!.id}`;
    return row?.status === 'succeeded' ? row : undefined;
  }, 'the retried dispatch to succeed');
  expect(revived.status).toBe('succeeded');
  const [closed] = await world.sql`
    select status, resolved_by from anomalies
    where kind = 'dispatch_failed' and subject = ${dead!.id}
  `;
  expect(closed).toEqual({ status: 'resolved', resolved_by: 'system' });
  expect(
    await world.sql`select id from confirmations where target_ref = ${targetRef}`,
  ).toHaveLength(1);
}, 40_000);

it('retry refuses a dispatch that is not failed or dead', async () => {
  const { eventId } = await paidSale(0);
  const [done] = await settledDispatches(world.sql, eventId);
  await expect(
    world.as(ADMIN).dispatches.retry({ id: done!.id }),
  ).rejects.toMatchObject({
    code: 'CONFLICT',
  });
});
