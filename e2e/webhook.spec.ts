import { expect, test, type APIRequestContext } from '@playwright/test';

import { V1 } from '../server/providers/bakong/fixtures';
import {
  makeConfirmation,
  signedHeaders,
} from '../server/providers/bakong/make-confirmation';
import { KEY_1 } from '../test/secrets';
import { rawRequest } from './raw-http';

const ENDPOINT = '/api/webhooks/bakong';
const baseUrl = () => process.env.E2E_BASE_URL!;

async function post(request: APIRequestContext, body: string, headers = {}) {
  const response = await request.post(ENDPOINT, {
    data: Buffer.from(body),
    headers: { ...signedHeaders({ body, key: KEY_1 }), ...headers },
  });
  const text = await response.text();
  return { response, json: text ? JSON.parse(text) : null };
}

test.describe('every response of the contract, over HTTP', () => {
  test('200 accepted, then 200 duplicate for the same payment', async ({
    request,
  }) => {
    const body = makeConfirmation();
    const first = await post(request, body);
    expect(first.response.status()).toBe(200);
    expect(first.json).toEqual({
      status: 'accepted',
      deliveryId: expect.any(String),
      eventId: expect.any(String),
    });
    expect(first.response.headers()['x-request-id']).toBeTruthy();

    const again = await post(request, body);
    expect(again.response.status()).toBe(200);
    expect(again.json).toMatchObject({
      status: 'duplicate',
      eventId: first.json.eventId,
    });
  });

  test('202 quarantined for a verified body that is not JSON', async ({
    request,
  }) => {
    const { response, json } = await post(request, '{"eventId": oops');
    expect(response.status()).toBe(202);
    expect(json).toMatchObject({
      status: 'quarantined',
      reason: 'invalid_json',
    });
  });

  test('400 for a missing webhook-id', async ({ request }) => {
    const { response, json } = await post(request, makeConfirmation(), {
      'webhook-id': '',
    });
    expect(response.status()).toBe(400);
    expect(json.error).toMatch(/message_id/);
  });

  test('400 for a webhook-id sent twice (joined with ", ")', async () => {
    const body = makeConfirmation();
    const signed = signedHeaders({ body, key: KEY_1 });
    const answer = await rawRequest(baseUrl(), {
      headers: [
        ['content-type', 'application/json'],
        ['content-length', String(Buffer.byteLength(body))],
        ['webhook-id', signed['webhook-id']!],
        ['webhook-id', 'msg_other'],
        ['webhook-timestamp', signed['webhook-timestamp']!],
        ['webhook-signature', signed['webhook-signature']!],
      ],
      chunks: [body],
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toBe('invalid_message_id');
  });

  test('401 for a wrong signature', async ({ request }) => {
    const { response, json } = await post(request, makeConfirmation(), {
      'webhook-signature': 'v1,LZcJYxeNtk4nBkN+IHDxSQIM41a2OHFNotXHDcIcucY=',
    });
    expect(response.status()).toBe(401);
    expect(json.error).toBe('signature_mismatch');
  });

  test('401 for the V1 vector: authentic, but signed long ago', async ({
    request,
  }) => {
    const response = await request.post(ENDPOINT, {
      data: Buffer.from(V1.body),
      headers: {
        'content-type': 'application/json',
        'webhook-id': V1.messageId,
        'webhook-timestamp': V1.timestamp,
        'webhook-signature': V1.signatures.secret1,
      },
    });
    expect(response.status()).toBe(401);
    expect((await response.json()).error).toBe('timestamp_out_of_tolerance');
  });

  test('405 with Allow: POST for other methods', async ({ request }) => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await request.fetch(ENDPOINT, { method });
      expect(response.status(), method).toBe(405);
      expect(response.headers().allow).toBe('POST');
    }
    const head = await request.head(ENDPOINT);
    expect(head.status()).toBe(405);
  });

  test('408 when the body does not arrive within the read timeout', async () => {
    const body = makeConfirmation();
    const signed = signedHeaders({ body, key: KEY_1 });
    const answer = await rawRequest(baseUrl(), {
      headers: [
        ...Object.entries(signed),
        ['content-length', String(Buffer.byteLength(body))],
      ],
      chunks: [body.slice(0, 20), body.slice(20, 40)],
      pauseMs: 4000,
    });
    expect(answer.status).toBe(408);
  });

  test('413 for a declared length over the cap, and for chunks past it', async () => {
    const big = 'x'.repeat(300 * 1024);
    const signed = signedHeaders({ body: big, key: KEY_1 });
    const declared = await rawRequest(baseUrl(), {
      headers: [
        ...Object.entries(signed),
        ['content-length', String(big.length)],
      ],
      chunks: [],
    });
    expect(declared.status).toBe(413);

    const chunked = await rawRequest(baseUrl(), {
      headers: [...Object.entries(signed), ['transfer-encoding', 'chunked']],
      chunks: Array.from(
        { length: 5 },
        () => `10000\r\n${'x'.repeat(0x10000)}\r\n`,
      ),
    });
    expect(chunked.status).toBe(413);
  });

  test('415 for another content type or an encoding', async ({ request }) => {
    const body = makeConfirmation();
    const text = await post(request, body, { 'content-type': 'text/plain' });
    expect(text.response.status()).toBe(415);
    const gzip = await post(request, body, { 'content-encoding': 'gzip' });
    expect(gzip.response.status()).toBe(415);
  });

  test('431 for headers over 16 KiB, from the HTTP server itself', async () => {
    const answer = await rawRequest(baseUrl(), {
      headers: [
        ['content-type', 'application/json'],
        ['x-padding', 'p'.repeat(17 * 1024)],
      ],
      chunks: [],
    });
    expect(answer.status).toBe(431);
  });

  test('503 with Retry-After while the database is away, then recovery', async ({
    request,
  }) => {
    const control = process.env.E2E_PROXY_CONTROL!;
    const body = makeConfirmation();
    await fetch(`${control}/cut`);
    try {
      const during = await post(request, body);
      expect(during.response.status()).toBe(503);
      expect(during.response.headers()['retry-after']).toBe('5');
      const health = await request.get('/api/health');
      expect(health.status()).toBe(503);
    } finally {
      await fetch(`${control}/restore`);
    }
    const after = await post(request, body);
    expect(after.response.status()).toBe(200);
    expect(after.json.status).toBe('accepted');
    expect((await request.get('/api/health')).status()).toBe(200);
  });
});
