import { gzipSync, brotliCompressSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSql, type Sql } from '../db/client';
import {
  createScratchDatabase,
  type ScratchDatabase,
} from '../db/scratch-database';
import { signPayload } from '../server/ingest/verify-signature';
import { makeConfirmation } from '../server/providers/bakong/make-confirmation';
import { interpretBakongBody } from '../server/providers/bakong/interpret-body';
import { KEY_1 } from '../test/secrets';
import { startGateway, type Gateway } from './harness/gateway';
import { stopAllChildren } from './harness/processes';
import {
  chunk,
  LAST_CHUNK,
  rawRequest,
  type RawRequest,
  type RawResponse,
} from './harness/raw-http';
import { recordScenario } from './harness/summary';

/** The corpus app's read timeout: short, so the slow rows are quick. */
const READ_TIMEOUT_MS = 1500;
const CAP = 256 * 1024;
const OTHER_KEY = Buffer.from('not-the-gateway-secret-0123456789');

type Options = {
  method?: string;
  id?: string | Buffer | null;
  timestamp?: string | null;
  /** Replaces the computed signature; null leaves the header out. */
  signature?: string | null;
  key?: Buffer;
  contentType?: string | null;
  /** Default: the body's length; null leaves the header out. */
  contentLength?: number | null;
  extra?: [string, string | Buffer][];
  chunks?: (string | Buffer)[];
  pauseMs?: number;
};

const now = () => String(Math.floor(Date.now() / 1000));
let counter = 0;

/**
 * A request for one corpus row: signed correctly over exactly `body`
 * unless the options say otherwise, with the headers in a fixed order.
 */
function request(body: string | Buffer, o: Options = {}): RawRequest {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const id = o.id === undefined ? `msg_corpus_${(counter += 1)}` : o.id;
  const timestamp = o.timestamp === undefined ? now() : o.timestamp;
  const signature =
    o.signature === undefined
      ? signPayload(o.key ?? KEY_1, String(id), String(timestamp), bytes)
      : o.signature;
  const headers: [string, string | Buffer][] = [];
  const contentType =
    o.contentType === undefined ? 'application/json' : o.contentType;
  if (contentType !== null) headers.push(['content-type', contentType]);
  if (id !== null) headers.push(['webhook-id', id]);
  if (timestamp !== null) headers.push(['webhook-timestamp', timestamp]);
  if (signature !== null) headers.push(['webhook-signature', signature]);
  const length = o.contentLength === undefined ? bytes.length : o.contentLength;
  if (length !== null) headers.push(['content-length', String(length)]);
  headers.push(...(o.extra ?? []));
  return {
    method: o.method ?? 'POST',
    headers,
    chunks: o.chunks ?? [bytes],
    pauseMs: o.pauseMs,
  };
}

/** A fresh, valid confirmation (of a payment nobody registered). */
const valid = () => makeConfirmation();
/** A valid confirmation with one piece of its text replaced. */
const edited = (from: RegExp | string, to: string) => valid().replace(from, to);
const withAmount = (amount: string, currency: 'KHR' | 'USD' = 'KHR') =>
  makeConfirmation({ amount, currency });

type Row = {
  name: string;
  status: number;
  /** The `error` of a refusal or the `reason` of a quarantine. */
  reason?: string;
  /** Answered by Node's HTTP parser before the app: no delivery row. */
  byServer?: true;
  request: () => RawRequest;
};

const signedOver = (body: string, id: string, ts: string, key = KEY_1) =>
  signPayload(key, id, ts, body);

const ROWS: Row[] = [
  // Signatures: every check before them passes.
  {
    name: 'signature missing',
    status: 401,
    reason: 'signature_missing',
    request: () => request(valid(), { signature: null }),
  },
  {
    name: 'signature empty',
    status: 401,
    reason: 'signature_missing',
    request: () => request(valid(), { signature: '' }),
  },
  {
    name: 'signature truncated',
    status: 401,
    reason: 'signature_mismatch',
    request: () => {
      const body = valid();
      const ts = now();
      return request(body, {
        id: 'msg_trunc',
        timestamp: ts,
        signature: signedOver(body, 'msg_trunc', ts).slice(0, 20),
      });
    },
  },
  {
    name: 'signature not base64',
    status: 401,
    reason: 'signature_mismatch',
    request: () => request(valid(), { signature: 'v1,@@not*base64~~' }),
  },
  {
    name: 'signature of the wrong length',
    status: 401,
    reason: 'signature_mismatch',
    request: () =>
      request(valid(), {
        signature: `v1,${Buffer.alloc(31, 7).toString('base64')}`,
      }),
  },
  {
    name: 'signature with another secret',
    status: 401,
    reason: 'signature_mismatch',
    request: () => request(valid(), { key: OTHER_KEY }),
  },
  {
    name: 'only unknown signature versions',
    status: 401,
    reason: 'signature_unsupported',
    request: () => {
      const body = valid();
      const ts = now();
      const mac = signedOver(body, 'msg_versions', ts).slice(3);
      return request(body, {
        id: 'msg_versions',
        timestamp: ts,
        signature: `v2,${mac} v1a,${mac} V1,${mac}`,
      });
    },
  },
  {
    name: 'body changed by one byte after signing',
    status: 401,
    reason: 'signature_mismatch',
    request: () => {
      const body = valid();
      const ts = now();
      return request(body.replace('"KHR"', '"USD"'), {
        id: 'msg_tamper',
        timestamp: ts,
        signature: signedOver(body, 'msg_tamper', ts),
      });
    },
  },
  {
    name: 'signature of another message id',
    status: 401,
    reason: 'signature_mismatch',
    request: () => {
      const body = valid();
      const ts = now();
      return request(body, {
        id: 'msg_other',
        timestamp: ts,
        signature: signedOver(body, 'msg_signed', ts),
      });
    },
  },

  // Repeated headers arrive joined with ", " and fail their format.
  {
    name: 'webhook-id repeated',
    status: 400,
    reason: 'invalid_message_id',
    request: () =>
      request(valid(), { id: 'msg_one', extra: [['webhook-id', 'msg_two']] }),
  },
  {
    name: 'webhook-timestamp repeated',
    status: 400,
    reason: 'invalid_timestamp',
    request: () => request(valid(), { extra: [['webhook-timestamp', now()]] }),
  },
  {
    name: 'webhook-signature repeated (joined, neither matches)',
    status: 401,
    reason: 'signature_mismatch',
    request: () =>
      request(valid(), {
        key: OTHER_KEY,
        extra: [
          ['webhook-signature', `v1,${Buffer.alloc(32, 1).toString('base64')}`],
        ],
      }),
  },
  {
    name: 'Content-Length repeated with two values',
    status: 400,
    byServer: true,
    request: () => request(valid(), { extra: [['content-length', '5']] }),
  },

  // Timestamps.
  {
    name: 'webhook-timestamp missing',
    status: 400,
    reason: 'missing_timestamp',
    request: () => request(valid(), { timestamp: null }),
  },
  {
    name: 'timestamp 301 s old',
    status: 401,
    reason: 'timestamp_out_of_tolerance',
    request: () =>
      request(valid(), {
        timestamp: String(Math.floor(Date.now() / 1000) - 301),
      }),
  },
  {
    name: 'timestamp 301 s ahead',
    status: 401,
    reason: 'timestamp_out_of_tolerance',
    request: () =>
      request(valid(), {
        timestamp: String(Math.floor(Date.now() / 1000) + 301),
      }),
  },
  {
    name: 'timestamp not an integer',
    status: 400,
    reason: 'invalid_timestamp',
    request: () => request(valid(), { timestamp: `${now()}.5` }),
  },
  {
    name: 'timestamp in milliseconds',
    status: 401,
    reason: 'timestamp_out_of_tolerance',
    request: () => request(valid(), { timestamp: String(Date.now()) }),
  },
  {
    name: 'timestamp huge (20 digits)',
    status: 401,
    reason: 'timestamp_out_of_tolerance',
    request: () => request(valid(), { timestamp: '99999999999999999999' }),
  },
  {
    name: 'timestamp negative',
    status: 400,
    reason: 'invalid_timestamp',
    request: () => request(valid(), { timestamp: `-${now()}` }),
  },
  {
    name: 'timestamp empty',
    status: 400,
    reason: 'invalid_timestamp',
    request: () => request(valid(), { timestamp: '' }),
  },

  // Message ids.
  {
    name: 'webhook-id missing',
    status: 400,
    reason: 'missing_message_id',
    request: () => request(valid(), { id: null }),
  },
  {
    name: 'webhook-id with dots',
    status: 400,
    reason: 'invalid_message_id',
    request: () => request(valid(), { id: 'msg.2aQ7.nW1' }),
  },
  {
    name: 'webhook-id of 256 characters',
    status: 400,
    reason: 'invalid_message_id',
    request: () => request(valid(), { id: 'm'.repeat(256) }),
  },
  {
    name: 'webhook-id with a tab',
    status: 400,
    reason: 'invalid_message_id',
    request: () => request(valid(), { id: 'msg\tid' }),
  },
  {
    name: 'webhook-id with UTF-8 bytes',
    status: 400,
    reason: 'invalid_message_id',
    request: () => request(valid(), { id: Buffer.from('msg_é', 'utf8') }),
  },
  {
    name: 'webhook-id with a control character',
    status: 400,
    byServer: true,
    request: () => request(valid(), { id: 'msg\u0001id' }),
  },

  // Sizes and slow bodies.
  {
    name: 'Content-Length over the cap',
    status: 413,
    reason: 'body_too_large',
    request: () => request('x'.repeat(CAP + 1), { chunks: [] }),
  },
  {
    name: 'Content-Length over the cap beats a stale timestamp (413 comes first)',
    status: 413,
    reason: 'body_too_large',
    request: () =>
      request('x'.repeat(CAP + 1), { timestamp: '1767242706', chunks: [] }),
  },
  {
    name: 'chunked body past the cap, no Content-Length',
    status: 413,
    reason: 'body_too_large',
    request: () => {
      const piece = 'x'.repeat(64 * 1024);
      return {
        ...request(piece.repeat(5), {
          contentLength: null,
          extra: [['transfer-encoding', 'chunked']],
        }),
        chunks: [...Array.from({ length: 5 }, () => chunk(piece)), LAST_CHUNK],
      };
    },
  },
  {
    name: 'body trickling in past the read timeout',
    status: 408,
    reason: 'body_read_timeout',
    request: () => {
      const body = valid();
      return request(body, {
        chunks: [body.slice(0, 30), body.slice(30, 60), body.slice(60)],
        pauseMs: 1000,
      });
    },
  },
  {
    name: 'chunked body trickling in past the read timeout',
    status: 408,
    reason: 'body_read_timeout',
    request: () => {
      const body = valid();
      return request(body, {
        contentLength: null,
        extra: [['transfer-encoding', 'chunked']],
        chunks: [
          chunk(body.slice(0, 40)),
          chunk(body.slice(40, 80)),
          chunk(body.slice(80)),
          LAST_CHUNK,
        ],
        pauseMs: 1000,
      });
    },
  },
  {
    name: 'Content-Length larger than the body sent',
    status: 408,
    reason: 'body_read_timeout',
    request: () => {
      const body = valid();
      return request(body, { contentLength: Buffer.byteLength(body) + 100 });
    },
  },
  {
    name: 'a slow body with a bad signature answers 408 (read before verify)',
    status: 408,
    reason: 'body_read_timeout',
    request: () => {
      const body = valid();
      return request(body, {
        key: OTHER_KEY,
        chunks: [body.slice(0, 50), body.slice(50)],
        pauseMs: 2000,
      });
    },
  },

  // Encodings and content types.
  {
    name: 'gzip-encoded body',
    status: 415,
    reason: 'unsupported_content_encoding',
    request: () =>
      request(gzipSync(valid()), { extra: [['content-encoding', 'gzip']] }),
  },
  {
    name: 'brotli-encoded body',
    status: 415,
    reason: 'unsupported_content_encoding',
    request: () =>
      request(brotliCompressSync(Buffer.from(valid())), {
        extra: [['content-encoding', 'br']],
      }),
  },
  {
    name: 'gzip, identity',
    status: 415,
    reason: 'unsupported_content_encoding',
    request: () =>
      request(valid(), { extra: [['content-encoding', 'gzip, identity']] }),
  },
  {
    name: 'form content type',
    status: 415,
    reason: 'unsupported_media_type',
    request: () =>
      request('payload=%7B%7D', {
        contentType: 'application/x-www-form-urlencoded',
      }),
  },
  {
    name: 'text content type',
    status: 415,
    reason: 'unsupported_media_type',
    request: () => request(valid(), { contentType: 'text/plain' }),
  },
  {
    name: 'no content type',
    status: 415,
    reason: 'unsupported_media_type',
    request: () => request(valid(), { contentType: null }),
  },
  {
    name: 'JSON in another charset',
    status: 415,
    reason: 'unsupported_media_type',
    request: () =>
      request(valid(), { contentType: 'application/json; charset=latin1' }),
  },
  {
    name: 'a bad content type beats a missing webhook-id (415 comes first)',
    status: 415,
    reason: 'unsupported_media_type',
    request: () => request(valid(), { contentType: 'text/plain', id: null }),
  },

  // Methods.
  {
    name: 'GET',
    status: 405,
    reason: 'method_not_allowed',
    request: () => request('', { method: 'GET', contentLength: null }),
  },
  {
    name: 'PUT with a signed body',
    status: 405,
    reason: 'method_not_allowed',
    request: () => request(valid(), { method: 'PUT' }),
  },
  {
    name: 'HEAD',
    status: 405,
    request: () =>
      request('', { method: 'HEAD', contentLength: null, chunks: [] }),
  },
  {
    name: 'DELETE',
    status: 405,
    reason: 'method_not_allowed',
    request: () => request('', { method: 'DELETE', contentLength: null }),
  },

  // Verified bodies that cannot be processed: 202 quarantined.
  {
    name: 'invalid UTF-8',
    status: 202,
    reason: 'invalid_utf8',
    request: () =>
      request(
        Buffer.concat([
          Buffer.from('{"eventId":"'),
          Buffer.from([0xff, 0xfe, 0xc0]),
          Buffer.from('"}'),
        ]),
      ),
  },
  {
    name: 'NUL byte inside a string',
    status: 202,
    reason: 'invalid_json',
    request: () =>
      request(Buffer.from(valid().replace('POS-000123', 'POS-\u0000123'))),
  },
  {
    name: 'NUL byte between tokens',
    status: 202,
    reason: 'invalid_json',
    request: () => request(Buffer.from(valid().replace('{', '{\u0000'))),
  },
  {
    name: 'an escaped NUL in a field the event keeps (fromAccountId)',
    status: 202,
    reason: 'schema_invalid',
    request: () =>
      request(
        edited(/"fromAccountId":"[^"]*"/, '"fromAccountId":"aba\\u0000kh"'),
      ),
  },
  {
    name: 'a lone surrogate in a field the event keeps (eventId)',
    status: 202,
    reason: 'schema_invalid',
    request: () =>
      request(edited(/"eventId":"[^"]*"/, '"eventId":"evt_\\ud800"')),
  },
  {
    name: 'JSON nested 10 000 deep',
    status: 202,
    reason: 'too_deep',
    request: () => request(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
  },
  {
    name: 'objects nested 10 000 deep',
    status: 202,
    reason: 'too_deep',
    request: () => request(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
  },
  {
    name: 'duplicate key at the top',
    status: 202,
    reason: 'duplicate_key',
    request: () => request(edited('{"eventId"', '{"md5":"x","eventId"')),
  },
  {
    name: 'duplicate key with an equal value, nested',
    status: 202,
    reason: 'duplicate_key',
    request: () =>
      request(edited('"currency":"KHR"', '"currency":"KHR","currency":"KHR"')),
  },
  {
    name: 'empty body',
    status: 202,
    reason: 'invalid_json',
    request: () => request(''),
  },
  {
    name: 'truncated JSON',
    status: 202,
    reason: 'invalid_json',
    request: () => request(valid().slice(0, 100)),
  },
  {
    name: 'a JSON array',
    status: 202,
    reason: 'schema_invalid',
    request: () => request('[]'),
  },
  {
    name: 'two BOMs',
    status: 202,
    reason: 'invalid_json',
    request: () => request(`\uFEFF\uFEFF${valid()}`),
  },
  {
    name: 'unknown event type',
    status: 202,
    reason: 'unsupported_event_type',
    request: () =>
      request(
        edited('bakong.transaction.confirmed', 'bakong.transaction.refunded'),
      ),
  },
  {
    name: 'responseCode 1',
    status: 202,
    reason: 'not_a_confirmation',
    request: () => request(edited('"responseCode":0', '"responseCode":1')),
  },
  {
    name: 'md5 in upper case',
    status: 202,
    reason: 'schema_invalid',
    request: () =>
      request(
        valid().replace(
          /"md5":"([0-9a-f]+)"/,
          (_m, h: string) => `"md5":"${h.toUpperCase()}"`,
        ),
      ),
  },

  // __proto__ and constructor are plain data: never a way to supply fields.
  {
    name: 'data given only through a __proto__ key',
    status: 202,
    reason: 'schema_invalid',
    request: () => {
      const body = JSON.parse(valid()) as { data: unknown };
      return request(
        JSON.stringify({
          ...body,
          data: JSON.parse(`{"__proto__":${JSON.stringify(body.data)}}`),
        }),
      );
    },
  },
  {
    name: 'the whole body under __proto__',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(`{"__proto__":${valid()}}`),
  },
  {
    name: 'toAccountId supplied only through __proto__',
    status: 202,
    reason: 'schema_invalid',
    request: () =>
      request(
        edited(
          /"toAccountId":"[^"]*",/,
          '"__proto__":{"toAccountId":"attacker@evil"},',
        ),
      ),
  },
  {
    name: 'fields under constructor.prototype',
    status: 202,
    reason: 'schema_invalid',
    request: () =>
      request(
        edited(
          /"toAccountId":"[^"]*",/,
          '"constructor":{"prototype":{"toAccountId":"attacker@evil"}},',
        ),
      ),
  },

  // Amounts: exact, or quarantined; never rounded.
  {
    name: 'amount huge (10^13 riel)',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('10000000000000')),
  },
  {
    name: 'amount negative',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('-25000')),
  },
  {
    name: 'amount zero',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('0')),
  },
  {
    name: 'amount Infinity',
    status: 202,
    reason: 'invalid_json',
    request: () => request(withAmount('Infinity')),
  },
  {
    name: 'amount NaN',
    status: 202,
    reason: 'invalid_json',
    request: () => request(withAmount('NaN')),
  },
  {
    name: 'amount "Infinity" as a string',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('"Infinity"')),
  },
  {
    name: 'amount over-precise (4.505 USD)',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('4.505', 'USD')),
  },
  {
    name: 'amount 12.300000000000001 USD',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('12.300000000000001', 'USD')),
  },
  {
    name: 'amount with an exponent',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('2.5e4')),
  },
  {
    name: 'amount with a fraction of a riel',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('25000.5')),
  },
  {
    name: 'amount with spaces',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('" 25000"')),
  },
  {
    name: 'amount a 30-digit integer',
    status: 202,
    reason: 'schema_invalid',
    request: () => request(withAmount('123456789012345678901234567890')),
  },
  {
    name: 'createdDateMs a 21-digit integer',
    status: 202,
    reason: 'schema_invalid',
    request: () =>
      request(
        edited(
          /"createdDateMs":[0-9]+/,
          '"createdDateMs":123456789012345678901',
        ),
      ),
  },

  // Header values that try to forge log lines or drive a terminal.
  {
    name: 'CR LF in a header value, forging a line',
    status: 400,
    byServer: true,
    request: () =>
      request(valid(), { id: 'msg_a\r\n{"level":60,"msg":"forged"}' }),
  },
  {
    name: 'a bare LF in a header value',
    status: 400,
    byServer: true,
    request: () => request(valid(), { extra: [['x-note', 'a\nb']] }),
  },
  {
    name: 'a terminal escape in webhook-id',
    status: 400,
    byServer: true,
    request: () => request(valid(), { id: 'msg\u001b[2Jx' }),
  },
  {
    name: 'a C1 control (8-bit CSI) in webhook-id',
    status: 400,
    reason: 'invalid_message_id',
    request: () =>
      request(valid(), {
        id: Buffer.from([0x6d, 0x73, 0x67, 0x9b, 0x33, 0x31, 0x6d]),
      }),
  },
  {
    name: 'a forged JSON log line in webhook-id',
    status: 400,
    reason: 'invalid_message_id',
    request: () => request(valid(), { id: '{"level":60,"msg":"forged"}' }),
  },

  // Headers over 16 KiB: Node answers before the app.
  {
    name: 'one header over 16 KiB',
    status: 431,
    byServer: true,
    request: () =>
      request(valid(), { extra: [['x-padding', 'p'.repeat(17 * 1024)]] }),
  },
  {
    name: 'many headers adding up to over 16 KiB',
    status: 431,
    byServer: true,
    request: () =>
      request(valid(), {
        extra: Array.from({ length: 1200 }, (_, i): [string, string] => [
          `x-h${i}`,
          'abcdefghij',
        ]),
      }),
  },
];

let database: ScratchDatabase | undefined;
let sql: Sql | undefined;
let app: Gateway;
beforeAll(async () => {
  database = await createScratchDatabase({ prefix: 'gw_faults_corpus' });
  sql = createSql(database.url, { max: 4 });
  app = await startGateway({
    name: 'corpus',
    databaseUrl: database.url,
    worker: 'on',
    readTimeoutMs: READ_TIMEOUT_MS,
  });
});
afterAll(async () => {
  await stopAllChildren();
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

const counts = async () => {
  const [row] = await sql!<
    { events: number; dispatches: number; jobs: number }[]
  >`
    select (select count(*)::int from events) as events,
           (select count(*)::int from dispatches) as dispatches,
           (select count(*)::int from graphile_worker.jobs) as jobs
  `;
  return row!;
};

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('hostile input', () => {
  const answers = new Map<string, RawResponse>();
  let before: Awaited<ReturnType<typeof counts>>;
  let logOffset = 0;

  beforeAll(async () => {
    before = await counts();
    logOffset = (await readFile(app.logFile)).length;
  });

  it(`the corpus has at least 40 rows (${ROWS.length})`, () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });

  it.each(ROWS)('$name → $status', async (row) => {
    const answer = await rawRequest(app.url, {
      ...row.request(),
      timeoutMs: 20_000,
    });
    answers.set(row.name, answer);
    expect(answer.status).toBe(row.status);
    if (row.reason) {
      const json = JSON.parse(answer.body) as {
        error?: string;
        reason?: string;
      };
      expect(json.error ?? json.reason).toBe(row.reason);
    }
    if (row.status === 405) expect(answer.headers.allow).toBe('POST');
    if (row.byServer) expect(answer.headers['x-request-id']).toBeUndefined();
  });

  it('nothing of the corpus was normalized or dispatched', async () => {
    expect(await counts()).toEqual(before);
  });

  it('every request the app answered is a delivery row with the status it was answered with', async () => {
    const ids = [...answers.values()]
      .map((a) => a.headers['x-request-id'])
      .filter((id) => id !== undefined);
    const rows = await sql!<{ requestId: string; statusCode: number }[]>`
      select request_id as "requestId", status_code as "statusCode" from deliveries
      where request_id = any(${ids}::text[])
    `;
    const stored = new Map(rows.map((r) => [r.requestId, r.statusCode]));
    // A 503 stores nothing by design; its row is judged by its status above.
    const mismatched = ROWS.filter((row) => !row.byServer)
      .map((row) => ({ row: row.name, answer: answers.get(row.name) }))
      .filter(({ answer }) => answer && answer.status !== 503)
      .filter(
        ({ answer }) =>
          stored.get(answer?.headers['x-request-id'] ?? '') !== answer?.status,
      )
      .map(
        ({ row, answer }) =>
          `${row}: answered ${answer?.status}, stored ${stored.get(answer?.headers['x-request-id'] ?? '')}`,
      );
    expect(mismatched).toEqual([]);
  });

  it('the log is one JSON object per line, with no raw control character and no forged line', async () => {
    const written = (await readFile(app.logFile))
      .subarray(logOffset)
      .toString('utf8');
    const lines = written.split('\n').filter((line) => line.length > 0);
    const unparsable = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    // C0 and DEL would drive a terminal; so would C1 (U+0080-U+009F, e.g.
    // the 8-bit CSI U+009B). JSON escaping covers C0 only.
    const controls = lines.filter((line) =>
      /[\u0000-\u001f\u007f-\u009f]/.test(line),
    );
    const forged = lines.filter(
      (line) => (JSON.parse(line) as { msg?: string }).msg === 'forged',
    );
    recordScenario('hostile-corpus', {
      rows: ROWS.length,
      answeredAsExpected: ROWS.filter(
        (r) => answers.get(r.name)?.status === r.status,
      ).length,
      logLines: lines.length,
      unparsableLogLines: unparsable.length,
      logLinesWithControls: controls.length,
      forgedLogLines: forged.length,
    });
    expect(unparsable).toEqual([]);
    expect(controls.map((line) => JSON.stringify(line).slice(0, 300))).toEqual(
      [],
    );
    expect(forged).toEqual([]);
  });
});

describe('__proto__ and constructor are plain data', () => {
  it('a valid payment with __proto__ and constructor keys is accepted as a plain event, its data intact', async () => {
    const body = JSON.parse(valid()) as Record<string, unknown> & {
      data: Record<string, unknown>;
    };
    const text = JSON.stringify({
      ...body,
      constructor: { prototype: { polluted: 'yes' } },
      data: { ...body.data, extra: 1 },
    })
      .replace(
        '"extra":1',
        '"__proto__":{"polluted":"yes","fromAccountId":"attacker@evil"}',
      )
      .replace('{"eventId"', '{"__proto__":{"polluted":"yes"},"eventId"');
    const answer = await rawRequest(app.url, request(text));
    expect(answer.status).toBe(200);
    const json = JSON.parse(answer.body) as { status: string; eventId: string };
    expect(json.status).toBe('accepted');
    const [event] = await sql!<
      { payer: string | null; receiver: string; hash: string; body: Buffer }[]
    >`
      select e.payer_account_id as payer, e.receiver_account_id as receiver,
             e.provider_event_id as hash, d.body
      from events e join deliveries d on d.event_id = e.id
      where e.id = ${json.eventId}
    `;
    expect(event).toMatchObject({
      payer: body.data.fromAccountId,
      receiver: body.data.toAccountId,
      hash: body.data.hash,
    });
    expect(event?.body.toString('utf8')).toBe(text);
  });

  it('after every pollution attempt, a payment without fromAccountId is stored without one', async () => {
    const text = edited(/"fromAccountId":"[^"]*",/, '');
    const answer = await rawRequest(app.url, request(text));
    expect(answer.status).toBe(200);
    const { eventId } = JSON.parse(answer.body) as { eventId: string };
    const [event] = await sql!<{ payer: string | null }[]>`
      select payer_account_id as payer from events where id = ${eventId}
    `;
    // A polluted Object.prototype.fromAccountId in the app would show here.
    expect(event).toEqual({ payer: null });
  });

  it('interpreting hostile bodies in this process changes no prototype', () => {
    const keys = prototypeKeys();
    const bodies = [
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      `{"__proto__":${valid()}}`,
      edited(
        /"toAccountId":"[^"]*",/,
        '"__proto__":{"toAccountId":"attacker@evil","polluted":"yes"},',
      ),
      edited(
        '"data":{',
        '"data":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},',
      ),
    ];
    const results = bodies.map((text) =>
      interpretBakongBody(Buffer.from(text)),
    );
    expect(prototypeKeys()).toEqual(keys);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
      'schema_invalid',
      'schema_invalid',
      'schema_invalid',
      'schema_invalid',
      'ok',
    ]);
  });
});
