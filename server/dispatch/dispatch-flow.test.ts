import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  makeConfirmation,
  signedHeaders,
} from '../providers/bakong/make-confirmation';
import {
  dispatchWorld,
  eventually,
  randomMd5,
  settledDispatches,
} from '../../test/dispatch-harness';
import { KEY_1, send } from '../../test/ingest-harness';
import { ADMIN } from '../../test/trpc-harness';

let world: Awaited<ReturnType<typeof dispatchWorld>>;
beforeAll(async () => {
  world = await dispatchWorld({ workers: 2 });
});
afterAll(() => world.close());

const admin = () => world.as(ADMIN);
let sale = 0;

/** Registers a sale's KHQR: 25000 riel to demo_cafe@devb unless told. */
async function registerSale(overrides: Record<string, string> = {}) {
  sale += 1;
  const input = {
    md5: randomMd5(),
    tenantId: 'tenant-a',
    branchId: 'branch-1',
    purpose: 'SALE' as const,
    targetRef: `sale-${sale}-${Date.now()}`,
    amount: '25000',
    currency: 'KHR' as const,
    receiverAccountId: 'demo_cafe@devb',
    ...overrides,
  };
  const result = await admin().paymentAttempts.register(input);
  return { ...input, result };
}

async function pay(
  md5: string,
  overrides: Parameters<typeof makeConfirmation>[0] = {},
) {
  const answer = await send(
    world.ingest,
    makeConfirmation({ md5, ...overrides }),
  );
  expect(answer.status).toBe(200);
  return answer.json.eventId as string;
}

const anomalyKinds = async (eventId: string) =>
  (
    await world.sql<{ kind: string }[]>`
      select kind from anomalies where event_id = ${eventId} order by kind
    `
  ).map((row) => row.kind);

const confirmationsOf = (targetRef: string) =>
  world.sql`select * from confirmations where target_ref = ${targetRef}`;

describe('a registered sale, then its payment', () => {
  it('is confirmed once, with the tenant of its attempt', async () => {
    const attempt = await registerSale();
    expect(attempt.result.status).toBe('registered');
    expect(attempt.result.attempt?.state).toBe('awaiting');

    const eventId = await pay(attempt.md5);
    const [dispatch] = await settledDispatches(world.sql, eventId);
    expect(dispatch).toMatchObject({
      status: 'succeeded',
      handler: 'sale-khqr-confirmation',
      attempts: 1,
      outcome: { result: 'confirmed', anomalies: [] },
    });
    const [event] =
      await world.sql`select tenant_id, branch_id from events where id = ${eventId}`;
    expect(event).toEqual({ tenant_id: 'tenant-a', branch_id: 'branch-1' });

    const view = await admin().paymentAttempts.byMd5({ md5: attempt.md5 });
    expect(view.state).toBe('confirmed');
    expect(view.confirmation).toMatchObject({
      eventId,
      amount: '25000',
      currency: 'KHR',
    });
    expect(await anomalyKinds(eventId)).toEqual([]);
  });
});

describe('a payment that arrives before its registration', () => {
  it('waits as an unknown payment, then resolves and dispatches', async () => {
    const md5 = randomMd5();
    const eventId = await pay(md5);
    const [unknown] = await world.sql`
      select status, tenant_id from anomalies
      where event_id = ${eventId} and kind = 'unknown_payment'
    `;
    expect(unknown).toEqual({ status: 'open', tenant_id: null });
    const none =
      await world.sql`select id from dispatches where event_id = ${eventId}`;
    expect(none).toHaveLength(0);

    const attempt = await registerSale({ md5 });
    expect(attempt.result.resolvedEvents).toBe(1);
    const [dispatch] = await settledDispatches(world.sql, eventId);
    expect(dispatch?.outcome?.result).toBe('confirmed');
    const [resolved] = await world.sql`
      select status, resolved_by, resolution_note, tenant_id from anomalies
      where event_id = ${eventId} and kind = 'unknown_payment'
    `;
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolved_by: 'system',
      tenant_id: 'tenant-a',
    });
    expect(resolved!.resolution_note).toMatch(
      /registered after its payment arrived/,
    );
  });
});

describe('the same payment delivered 30 times at once, two workers', () => {
  it('ends in exactly one event, one dispatch and one confirmation', async () => {
    const attempt = await registerSale();
    const body = makeConfirmation({ md5: attempt.md5 });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        send(world.ingest, body, {
          headers: signedHeaders({
            body,
            key: KEY_1,
            messageId: `msg_storm_${i}`,
          }),
        }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const eventIds = new Set(answers.map((a) => a.json.eventId as string));
    expect(eventIds.size).toBe(1);
    const [eventId] = [...eventIds] as [string];
    const dispatches = await settledDispatches(world.sql, eventId);
    expect(dispatches).toHaveLength(1);
    expect(await confirmationsOf(attempt.targetRef)).toHaveLength(1);
  });
});

describe('a payment that does not match its attempt', () => {
  it.each([
    ['amount', { amount: '24000' }, ['amount_mismatch']],
    [
      'currency',
      { amount: '25000', currency: 'USD' as const },
      ['currency_mismatch'],
    ],
    ['receiver', { toAccountId: 'other_shop@devb' }, ['receiver_mismatch']],
  ])(
    'of another %s is an anomaly and no confirmation',
    async (_, proof, kinds) => {
      const attempt = await registerSale();
      const eventId = await pay(attempt.md5, proof);
      const [dispatch] = await settledDispatches(world.sql, eventId);
      expect(dispatch?.outcome).toEqual({
        result: 'mismatch',
        anomalies: kinds,
      });
      expect(await anomalyKinds(eventId)).toEqual(kinds);
      const [anomaly] = await world.sql`
      select detail, tenant_id from anomalies where event_id = ${eventId} and kind = ${kinds[0]!}
    `;
      expect(anomaly!.tenant_id).toBe('tenant-a');
      expect(anomaly!.detail.expected).toBeDefined();
      expect(anomaly!.detail.received).toBeDefined();
      expect(await confirmationsOf(attempt.targetRef)).toHaveLength(0);
      const view = await admin().paymentAttempts.byMd5({ md5: attempt.md5 });
      expect(view.state).toBe('mismatched');
      expect(view.confirmation).toBeNull();
    },
  );
});

describe('superseded, expired and double payments', () => {
  it('an old QR paid confirms an unpaid target, flagged; the new one pays twice', async () => {
    const older = await registerSale({ issuedAt: '2026-12-01T10:00:00Z' });
    const newer = await registerSale({
      targetRef: older.targetRef,
      issuedAt: '2026-12-01T10:05:00Z',
    });
    expect(
      (await admin().paymentAttempts.byMd5({ md5: older.md5 })).state,
    ).toBe('superseded');

    const first = await pay(older.md5);
    const [run] = await settledDispatches(world.sql, first);
    expect(run?.outcome).toMatchObject({
      result: 'confirmed',
      anomalies: ['superseded_attempt_paid'],
    });

    const second = await pay(newer.md5);
    const [again] = await settledDispatches(world.sql, second);
    expect(again?.outcome).toEqual({
      result: 'double_payment',
      anomalies: ['double_payment'],
    });
    expect(await anomalyKinds(second)).toEqual(['double_payment']);
    expect(await confirmationsOf(older.targetRef)).toHaveLength(1);
    expect(
      (await admin().paymentAttempts.byMd5({ md5: newer.md5 })).state,
    ).toBe('superseded');
  });

  it('a payment made after expiry confirms and is flagged', async () => {
    const attempt = await registerSale({
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const eventId = await pay(attempt.md5, {
      createdDateMs: Date.now() - 1000,
    });
    const [run] = await settledDispatches(world.sql, eventId);
    expect(run?.outcome).toMatchObject({
      result: 'confirmed',
      anomalies: ['expired_attempt_paid'],
    });
    expect(await confirmationsOf(attempt.targetRef)).toHaveLength(1);
  });

  it('one QR paid twice is one confirmation and a double payment', async () => {
    const attempt = await registerSale();
    const first = await pay(attempt.md5);
    await settledDispatches(world.sql, first);
    const second = await pay(attempt.md5);
    const [run] = await settledDispatches(world.sql, second);
    expect(run?.outcome?.result).toBe('double_payment');
    expect(await confirmationsOf(attempt.targetRef)).toHaveLength(1);
  });
});

describe('replay', () => {
  it('of a confirmed event changes nothing', async () => {
    const attempt = await registerSale();
    const eventId = await pay(attempt.md5);
    await settledDispatches(world.sql, eventId);
    const before = await world.sql`select count(*)::int as n from anomalies`;

    const replayed = await admin().events.replay({ id: eventId });
    expect(replayed.requeued).toHaveLength(1);
    const [run] = await eventually(async () => {
      const rows = await settledDispatches(world.sql, eventId);
      return rows[0]?.outcome?.result === 'already_confirmed'
        ? rows
        : undefined;
    }, 'the replay to run');
    expect(run?.status).toBe('succeeded');
    expect(await confirmationsOf(attempt.targetRef)).toHaveLength(1);
    expect(await world.sql`select count(*)::int as n from anomalies`).toEqual(
      before,
    );
  });
});

describe('a subscription invoice', () => {
  it('in dollars goes to the invoice handler and is confirmed', async () => {
    const attempt = await registerSale({
      purpose: 'SUBSCRIPTION_INVOICE',
      targetRef: `INV-${Date.now()}`,
      amount: '4.50',
      currency: 'USD',
    });
    const eventId = await pay(attempt.md5, { amount: '4.5', currency: 'USD' });
    const [run] = await settledDispatches(world.sql, eventId);
    expect(run).toMatchObject({
      handler: 'subscription-invoice-confirmation',
      status: 'succeeded',
    });
    const view = await admin().paymentAttempts.byMd5({ md5: attempt.md5 });
    expect(view).toMatchObject({
      state: 'confirmed',
      amount: '4.50',
      amountMinor: '450',
    });
  });
});
