import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSql, type Sql } from '../db/client';
import {
  createScratchDatabase,
  type ScratchDatabase,
} from '../db/scratch-database';
import { createRegistry, DEFAULT_HANDLERS } from '../server/dispatch/registry';
import { startWorker, type Worker } from '../server/dispatch/start-worker';
import {
  handleBakongWebhook,
  type IngestContext,
} from '../server/ingest/handle-bakong-webhook';
import { QUARANTINE_REASONS } from '../server/ingest/reasons';
import { parseSecrets } from '../server/ingest/secrets';
import { signedHeaders } from '../server/providers/bakong/make-confirmation';
import { interpretBakongBody } from '../server/providers/bakong/interpret-body';
import { KEY_1, TEST_SECRETS } from '../test/secrets';
import { waitForSettled } from './harness/books';
import {
  confirmationBody,
  newPayment,
  registerViaSql,
  type Payment,
} from './harness/payments';
import { recordScenario } from './harness/summary';

const OTHER_KEY = Buffer.from('a-forger-does-not-have-the-secret');

/** What one generated step does to payment `p` of the run. */
type Op =
  | { kind: 'register'; p: number; lane: number }
  | {
      kind: 'deliver';
      p: number;
      lane: number;
      variant: 'retry' | 'newMessage' | 'reformatted';
    }
  | {
      kind: 'forge';
      p: number;
      lane: number;
      how: 'wrongSecret' | 'tampered' | 'stale';
    }
  | { kind: 'conflict'; p: number; lane: number };

const LANES = 3;

function opArbitrary(payments: number): fc.Arbitrary<Op> {
  const p = fc.integer({ min: 0, max: payments - 1 });
  const lane = fc.integer({ min: 0, max: LANES - 1 });
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('register' as const), p, lane }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('deliver' as const),
        p,
        lane,
        variant: fc.constantFrom(
          'retry' as const,
          'newMessage' as const,
          'reformatted' as const,
        ),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('forge' as const),
        p,
        lane,
        how: fc.constantFrom(
          'wrongSecret' as const,
          'tampered' as const,
          'stale' as const,
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('conflict' as const), p, lane }),
    },
  );
}

const scenarioArbitrary = fc.integer({ min: 1, max: 5 }).chain((payments) =>
  fc.record({
    payments: fc.constant(payments),
    usd: fc.array(fc.boolean(), { minLength: payments, maxLength: payments }),
    ops: fc.array(opArbitrary(payments), {
      minLength: 1,
      maxLength: 30,
      size: 'medium',
    }),
  }),
);

type Sent = { op: Op; status: number; json: Record<string, unknown> };

/** Keys reversed at every level and two-space indented: the same content. */
function reformat(body: string): string {
  const reverse = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, reverse(v)]),
        )
      : value;
  return JSON.stringify(reverse(JSON.parse(body)), null, 2);
}

let database: ScratchDatabase | undefined;
let sql: Sql;
let worker: Worker | undefined;
let ctx: IngestContext;
const registry = createRegistry(DEFAULT_HANDLERS, 3);

beforeAll(async () => {
  database = await createScratchDatabase({ prefix: 'gw_faults_props' });
  sql = createSql(database.url, { max: 10 });
  worker = await startWorker({
    databaseUrl: database.url,
    sql,
    registry,
    log: pino({ level: 'silent' }),
    concurrency: 4,
  });
  ctx = {
    sql,
    dispatch: registry.routes,
    secrets: parseSecrets(TEST_SECRETS),
    maxBodyBytes: 256 * 1024,
    readTimeoutMs: 2000,
    log: pino({ level: 'silent' }),
    recordTimeoutMs: 5000,
  };
});
afterAll(async () => {
  await worker?.stop();
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

async function post(
  body: string,
  options: {
    messageId: string;
    key?: Buffer;
    timestampSeconds?: number;
    sentBody?: string;
  },
) {
  const headers = signedHeaders({
    body,
    key: options.key ?? KEY_1,
    messageId: options.messageId,
    timestampSeconds: options.timestampSeconds,
  });
  const request = new Request('http://127.0.0.1/api/webhooks/bakong', {
    method: 'POST',
    headers,
    body: Buffer.from(options.sentBody ?? body),
  });
  const response = await handleBakongWebhook(request, ctx);
  const text = await response.text();
  return {
    status: response.status,
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

let runs = 0;
let steps = 0;

describe('generated deliveries, duplicates, reorderings and forgeries keep the books', () => {
  it('holds for every generated run', async () => {
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArbitrary, async (scenario) => {
          runs += 1;
          steps += scenario.ops.length;
          const payments: Payment[] = Array.from(
            { length: scenario.payments },
            (_, i) =>
              newPayment({
                tenantId: 'props',
                purpose: i % 2 === 0 ? 'SALE' : 'SUBSCRIPTION_INVOICE',
                currency: scenario.usd[i] ? 'USD' : 'KHR',
              }),
          );
          const genuine = payments.map((p) => ({
            body: confirmationBody(p),
            messageId: `msg_${p.hash.slice(0, 16)}`,
          }));
          const conflicting = payments.map((p) =>
            confirmationBody({
              ...p,
              paidAmount:
                p.attempt.currency === 'KHR'
                  ? `${Number(p.paidAmount) + 1}`
                  : '4.51',
            }),
          );

          const sent: Sent[] = [];
          const run = async (op: Op) => {
            const p = payments[op.p]!;
            const g = genuine[op.p]!;
            const unique = `msg_${Math.random().toString(36).slice(2, 14)}`;
            if (op.kind === 'register') {
              await registerViaSql(sql, p.attempt, 3);
              return;
            }
            let answer: { status: number; json: Record<string, unknown> };
            if (op.kind === 'deliver') {
              answer =
                op.variant === 'retry'
                  ? await post(g.body, { messageId: g.messageId })
                  : op.variant === 'newMessage'
                    ? await post(confirmationBody(p), { messageId: unique })
                    : await post(reformat(g.body), { messageId: unique });
            } else if (op.kind === 'conflict') {
              answer = await post(conflicting[op.p]!, { messageId: unique });
            } else if (op.how === 'wrongSecret') {
              answer = await post(g.body, {
                messageId: unique,
                key: OTHER_KEY,
              });
            } else if (op.how === 'tampered') {
              answer = await post(g.body, {
                messageId: unique,
                sentBody: conflicting[op.p]!,
              });
            } else {
              answer = await post(g.body, {
                messageId: unique,
                timestampSeconds: Math.floor(Date.now() / 1000) - 400,
              });
            }
            sent.push({ op, ...answer });
          };
          await Promise.all(
            Array.from({ length: LANES }, async (_, lane) => {
              for (const op of scenario.ops.filter((o) => o.lane === lane))
                await run(op);
            }),
          );
          await waitForSettled(sql, 30_000);

          for (const [index, payment] of payments.entries()) {
            const mine = sent.filter((s) => s.op.p === index);
            const signedRight = mine.filter(
              (s) => s.op.kind === 'deliver' || s.op.kind === 'conflict',
            );
            const forged = mine.filter((s) => s.op.kind === 'forge');
            // Forgeries are refused, whatever else happened.
            expect(forged.map((s) => s.status)).toEqual(forged.map(() => 401));

            const events = await sql<{ id: string; amountMinor: string }[]>`
            select id, amount_minor as "amountMinor" from events where provider_event_id = ${payment.hash}
          `;
            if (signedRight.length === 0) {
              expect(events).toEqual([]);
              continue;
            }
            // One event, accepted once; the version stored first decides what
            // every other delivery of the hash is: a duplicate or a conflict.
            expect(events).toHaveLength(1);
            const accepted = signedRight.filter(
              (s) => s.json.status === 'accepted',
            );
            expect(accepted).toHaveLength(1);
            const winner = accepted[0]!.op.kind;
            for (const s of signedRight) {
              const sameVersion =
                (s.op.kind === 'conflict') === (winner === 'conflict');
              expect(s.json.eventId ?? events[0]!.id).toBe(events[0]!.id);
              if (sameVersion) {
                expect(s.status).toBe(200);
              } else {
                expect({ status: s.status, reason: s.json.reason }).toEqual({
                  status: 202,
                  reason: 'conflicting_redelivery',
                });
              }
            }

            const registered = scenario.ops.some(
              (o) => o.kind === 'register' && o.p === index,
            );
            const confirmations = await sql<{ eventId: string }[]>`
            select event_id as "eventId" from confirmations
            where tenant_id = 'props' and target_ref = ${payment.attempt.targetRef}
          `;
            const dispatches = await sql<{ status: string }[]>`
            select status from dispatches where event_id = ${events[0]!.id}
          `;
            if (registered) {
              expect(dispatches.map((d) => d.status)).toEqual(['succeeded']);
              // The right proof confirms its target once; a wrong amount never.
              expect(confirmations.map((c) => c.eventId)).toEqual(
                winner === 'conflict' ? [] : [events[0]!.id],
              );
            } else {
              expect(dispatches).toEqual([]);
              expect(confirmations).toEqual([]);
            }
          }
        }),
        { numRuns: 50, interruptAfterTimeLimit: 90_000 },
      );
    } finally {
      recordScenario('properties', { modelRuns: runs, modelSteps: steps });
    }
  });
});

describe('interpreting any bytes', () => {
  const prototypeKeys = () =>
    Object.getOwnPropertyNames(Object.prototype).sort();
  const keys = prototypeKeys();
  const reasons = new Set<string>(QUARANTINE_REASONS);

  it('never throws and answers an event or a quarantine reason, for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const result = interpretBakongBody(Buffer.from(bytes));
        expect(result.ok || reasons.has(result.reason)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps __proto__, constructor and prototype keys as plain data at any depth', () => {
    const hostileKey = fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'polluted',
      'toString',
      'valueOf',
    );
    const hostileJson = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.string({ maxLength: 8 }),
        tie('object'),
      ),
      object: fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
    })).object;
    fc.assert(
      fc.property(hostileJson, (value) => {
        const text = JSON.stringify(value);
        const result = interpretBakongBody(Buffer.from(text));
        expect(result.ok).toBe(false);
        expect(prototypeKeys()).toEqual(keys);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(typeof ({} as { toString: unknown }).toString).toBe('function');
      }),
      { numRuns: 500 },
    );
  });
});
