import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  dispatchWorld,
  randomMd5,
  settledDispatches,
} from '../../test/dispatch-harness';
import { send } from '../../test/ingest-harness';
import { ADMIN } from '../../test/trpc-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';
import { renderMetrics } from './render-metrics';

let world: Awaited<ReturnType<typeof dispatchWorld>>;
beforeAll(async () => {
  world = await dispatchWorld();
});
afterAll(() => world.close());

/** Every sample of the exposition as `name{labels}` -> value. */
async function scrape(): Promise<Map<string, number>> {
  const { body } = await renderMetrics(world.sql);
  const samples = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const split = line.lastIndexOf(' ');
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}

const delta = (
  before: Map<string, number>,
  after: Map<string, number>,
  key: string,
) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

it('moves by exactly what a known sequence of deliveries and dispatches did', async () => {
  const before = await scrape();

  const md5 = randomMd5();
  await world.as(ADMIN).paymentAttempts.register({
    md5,
    tenantId: 'tenant-m',
    purpose: 'SALE',
    targetRef: `sale-${md5.slice(0, 6)}`,
    amount: '25000',
    currency: 'KHR',
    receiverAccountId: 'demo_cafe@devb',
  });
  const paid = makeConfirmation({ md5 });
  const first = await send(world.ingest, paid);
  await send(world.ingest, paid);
  await send(world.ingest, makeConfirmation()); // an unknown payment
  await send(world.ingest, paid, {
    headers: { 'webhook-signature': 'v1,AAAA' },
  });
  await send(world.ingest, '{"no":', {});
  await settledDispatches(world.sql, first.json.eventId as string);

  const after = await scrape();
  const d = (key: string) => delta(before, after, key);
  expect(d('gateway_deliveries_total{outcome="accepted",reason=""}')).toBe(2);
  expect(d('gateway_deliveries_total{outcome="duplicate",reason=""}')).toBe(1);
  expect(
    d(
      'gateway_deliveries_total{outcome="rejected",reason="signature_mismatch"}',
    ),
  ).toBe(1);
  expect(
    d('gateway_deliveries_total{outcome="quarantined",reason="invalid_json"}'),
  ).toBe(1);
  expect(d('gateway_ingest_duration_seconds_count{outcome="accepted"}')).toBe(
    2,
  );
  expect(
    d(
      'gateway_dispatch_runs_total{handler="sale-khqr-confirmation",status="succeeded"}',
    ),
  ).toBe(1);
  expect(d('gateway_anomalies_open{kind="unknown_payment"}')).toBe(1);
  expect(d('gateway_anomalies_open{kind="quarantined_delivery"}')).toBe(1);
  expect(d('gateway_events_unresolved')).toBe(1);
  expect(after.get('gateway_queue_depth')).toBe(0);
  expect(after.has('gateway_process_resident_memory_bytes')).toBe(true);
});
