import { randomBytes } from 'node:crypto';

import { expect, test, type APIRequestContext } from '@playwright/test';

import {
  makeConfirmation,
  signedHeaders,
} from '../server/providers/bakong/make-confirmation';
import { KEY_1 } from '../test/secrets';
import { E2E_ADMIN_TOKEN } from './global-setup';

const auth = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

async function register(request: APIRequestContext, md5: string) {
  const response = await request.post('/api/trpc/paymentAttempts.register', {
    headers: auth,
    data: {
      md5,
      tenantId: 'cafe-1',
      branchId: 'riverside',
      purpose: 'SALE',
      targetRef: `sale-${md5.slice(0, 8)}`,
      amount: '25000',
      currency: 'KHR',
      receiverAccountId: 'demo_cafe@devb',
    },
  });
  expect(response.status()).toBe(200);
  return response.json();
}

async function pay(request: APIRequestContext, md5: string) {
  const body = makeConfirmation({ md5 });
  const response = await request.post('/api/webhooks/bakong', {
    data: Buffer.from(body),
    headers: signedHeaders({ body, key: KEY_1 }),
  });
  expect(response.status()).toBe(200);
}

async function stateOf(request: APIRequestContext, md5: string) {
  const input = encodeURIComponent(JSON.stringify({ md5 }));
  const response = await request.get(
    `/api/trpc/paymentAttempts.byMd5?input=${input}`,
    {
      headers: auth,
    },
  );
  return (await response.json()).result.data as {
    state: string;
    confirmation: unknown;
  };
}

test('a cashier screen sees its KHQR confirmed, over HTTP', async ({
  request,
}) => {
  const md5 = randomBytes(16).toString('hex');
  const registered = await register(request, md5);
  expect(registered.result.data.attempt.state).toBe('awaiting');

  await pay(request, md5);
  await expect
    .poll(async () => (await stateOf(request, md5)).state, { timeout: 10_000 })
    .toBe('confirmed');
});

test('a payment before its registration is confirmed once the QR is registered', async ({
  request,
}) => {
  const md5 = randomBytes(16).toString('hex');
  await pay(request, md5);
  const registered = await register(request, md5);
  expect(registered.result.data.resolvedEvents).toBe(1);
  await expect
    .poll(async () => (await stateOf(request, md5)).state, { timeout: 10_000 })
    .toBe('confirmed');
});
