import { readFile } from 'node:fs/promises';

import { expect, test } from '@playwright/test';
import postgres from 'postgres';

import {
  makeConfirmation,
  signedHeaders,
} from '../server/providers/bakong/make-confirmation';
import { KEY_1 } from '../test/secrets';

test('one request id finds the response, the log lines and the delivery row', async ({
  request,
}) => {
  const requestId = `req-${Date.now()}`;
  const body = makeConfirmation();
  const response = await request.post('/api/webhooks/bakong', {
    data: Buffer.from(body),
    headers: {
      ...signedHeaders({ body, key: KEY_1 }),
      'x-request-id': requestId,
    },
  });
  expect(response.status()).toBe(200);
  expect(response.headers()['x-request-id']).toBe(requestId);
  const { deliveryId, eventId } = await response.json();

  const sql = postgres(process.env.E2E_DATABASE_URL!, {
    max: 1,
    onnotice: () => {},
  });
  try {
    const [row] =
      await sql`select request_id, event_id from deliveries where id = ${deliveryId}`;
    expect(row).toEqual({ request_id: requestId, event_id: eventId });
  } finally {
    await sql.end();
  }
  await expect
    .poll(async () => {
      const log = await readFile('test-results/e2e-app.log', 'utf8');
      return log
        .split('\n')
        .filter((line) => line.includes(`"requestId":"${requestId}"`)).length;
    })
    .toBeGreaterThan(0);
});

test('a malformed request id is replaced by one of the gateway', async ({
  request,
}) => {
  const response = await request.get('/api/health/live', {
    headers: { 'x-request-id': 'bad id with spaces' },
  });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ live: true });
  expect(response.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
});

test('metrics are served in the Prometheus format', async ({ request }) => {
  const response = await request.get('/api/metrics');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('text/plain');
  const text = await response.text();
  expect(text).toContain('# TYPE gateway_deliveries_total counter');
  expect(text).toContain('gateway_queue_depth');
  expect(text).toContain('gateway_process_resident_memory_bytes');
});

test('readiness reports the worker and the migrations', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({
    ready: true,
    database: 'up',
    worker: 'running',
  });
});
