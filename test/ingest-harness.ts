import pino from 'pino';
import { inject } from 'vitest';

import { createSql, type Sql } from '../db/client';
import { createRegistry, DEFAULT_HANDLERS } from '../server/dispatch/registry';
import type { IngestContext } from '../server/ingest/handle-bakong-webhook';
import { handleBakongWebhook } from '../server/ingest/handle-bakong-webhook';
import { parseSecrets } from '../server/ingest/secrets';
import { signedHeaders } from '../server/providers/bakong/make-confirmation';
import { KEY_1, TEST_SECRETS } from './secrets';

export { KEY_1, KEY_2, TEST_SECRETS } from './secrets';

export function testSql(url: string = inject('databaseUrl')): Sql {
  return createSql(url, { max: 10 });
}

export function ingestContext(
  sql: Sql,
  overrides: Partial<IngestContext> = {},
): IngestContext {
  return {
    sql,
    dispatch: createRegistry(DEFAULT_HANDLERS, 3).routes,
    secrets: parseSecrets(TEST_SECRETS),
    maxBodyBytes: 256 * 1024,
    readTimeoutMs: 2000,
    log: pino({ level: 'silent' }),
    // The production default: a shorter wait cancels statements that are
    // merely queued behind the workers on a busy two-core machine.
    recordTimeoutMs: 10_000,
    ...overrides,
  };
}

export type Sent = {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
};

/** Posts one body through the real handler, signed unless headers say otherwise. */
export async function send(
  ctx: IngestContext,
  body: string | Buffer,
  options: {
    headers?: Record<string, string | null>;
    method?: string;
    key?: Buffer;
    timestampSeconds?: number;
  } = {},
): Promise<Sent> {
  const signed = signedHeaders({
    body,
    key: options.key ?? KEY_1,
    timestampSeconds: options.timestampSeconds,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries({
    ...signed,
    ...options.headers,
  })) {
    if (value !== null) headers.set(name, value);
  }
  const method = options.method ?? 'POST';
  const request = new Request('http://127.0.0.1/api/webhooks/bakong', {
    method,
    headers,
    body:
      method === 'GET' || method === 'HEAD'
        ? null
        : new Uint8Array(Buffer.from(body)),
  });
  const response = await handleBakongWebhook(request, ctx);
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  };
}
