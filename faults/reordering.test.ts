import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { createSql, type Sql } from '../db/client';
import {
  createScratchDatabase,
  type ScratchDatabase,
} from '../db/scratch-database';
import { waitForSettled } from './harness/books';
import { startGateway, type Gateway } from './harness/gateway';
import {
  inParallel,
  messageFor,
  registerViaApi,
  type Attempt,
  type Payment,
} from './harness/payments';
import { stopAllChildren } from './harness/processes';
import { deliver, tally, type Outcome } from './harness/provider';
import { seededRandom, shuffle, suiteSeed } from './harness/random';
import { recordScenario } from './harness/summary';

const TARGETS = 40;
const MINUTE = 60_000;

/** One target: the QRs shown for it, and the one payment made. */
type TargetPlan = {
  purpose: 'SALE' | 'SUBSCRIPTION_INVOICE';
  currency: 'KHR' | 'USD';
  /** Each QR's age when the payment came, and its expiry age (null: none). */
  attempts: { issuedMinutesAgo: number; expiredMinutesAgo: number | null }[];
  /** Which QR was paid; null: a QR nobody registered. */
  paid: number | null;
  wrongAmount: boolean;
};

function planTargets(random: () => number): TargetPlan[] {
  return Array.from({ length: TARGETS }, () => {
    const count = 1 + Math.floor(random() * 3);
    // Distinct issue times: later QRs supersede earlier ones by issuedAt.
    const ages = shuffle([50, 40, 30, 20, 10], random).slice(0, count);
    return {
      purpose: random() < 0.5 ? 'SALE' : 'SUBSCRIPTION_INVOICE',
      currency: random() < 0.7 ? 'KHR' : 'USD',
      attempts: ages.map((age) => ({
        issuedMinutesAgo: age,
        expiredMinutesAgo: random() < 0.2 ? age - 5 : null,
      })),
      paid: random() < 0.1 ? null : Math.floor(random() * count),
      wrongAmount: random() < 0.1,
    };
  });
}

/** A plan made concrete for one tenant, with ids of its own. */
function materialize(plans: TargetPlan[], tenantId: string, now: number) {
  const hex = (n: number) => randomBytes(n).toString('hex');
  return plans.map((plan, index) => {
    const targetRef = `order-${index}-${hex(3)}`;
    const amount =
      plan.currency === 'KHR' ? String(5000 + index * 100) : `${index + 1}.25`;
    const attempts: Attempt[] = plan.attempts.map((a) => ({
      md5: hex(16),
      tenantId,
      purpose: plan.purpose,
      targetRef,
      amount,
      currency: plan.currency,
      receiverAccountId: 'demo_cafe@devb',
      issuedAt: new Date(now - a.issuedMinutesAgo * MINUTE).toISOString(),
      ...(a.expiredMinutesAgo !== null && {
        expiresAt: new Date(now - a.expiredMinutesAgo * MINUTE).toISOString(),
      }),
    }));
    const paidAttempt: Attempt =
      plan.paid === null
        ? { ...attempts[0]!, md5: hex(16) }
        : attempts[plan.paid]!;
    const payment: Payment = {
      attempt: paidAttempt,
      hash: hex(32),
      createdDateMs: now - 60_000,
      paidAmount: plan.wrongAmount
        ? plan.currency === 'KHR'
          ? String(Number(amount) + 100)
          : `${index + 1}.35`
        : amount,
    };
    return { index, attempts, payment };
  });
}

type World = ReturnType<typeof materialize>;
type Step =
  { kind: 'register'; attempt: Attempt } | { kind: 'pay'; payment: Payment };

async function run(
  app: Gateway,
  steps: Step[],
  lanes: number,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  await inParallel(steps, lanes, async (step) => {
    if (step.kind === 'register') await registerViaApi(app.url, step.attempt);
    else outcomes.push(await deliver(app.url, messageFor(step.payment)));
  });
  return outcomes;
}

/**
 * What a world ends in, per target and in terms of the plan (QR index, not
 * ids): the confirmation and the QR it names, the event's QR, its
 * dispatches' results and its open anomalies. Anomalies the system resolved
 * on its own (an unknown payment whose QR was registered later) are
 * history, not state.
 */
async function stateOf(sql: Sql, world: World) {
  const qr = new Map<string, number>();
  for (const target of world)
    target.attempts.forEach((a, i) => qr.set(a.md5, i));
  const hashes = world.map((t) => t.payment.hash);
  const rows = await sql<
    {
      hash: string;
      resolvedMd5: string | null;
      confirmedMd5: string | null;
      results: string[] | null;
      open: string[] | null;
    }[]
  >`
    select e.provider_event_id as hash,
           a.md5 as "resolvedMd5",
           (select ca.md5 from confirmations c join payment_attempts ca on ca.id = c.attempt_id
             where c.event_id = e.id) as "confirmedMd5",
           (select array_agg(d.handler || ':' || d.status || ':' || coalesce(d.outcome->>'result', '-')
                             order by d.handler)
              from dispatches d where d.event_id = e.id) as results,
           (select array_agg(an.kind order by an.kind)
              from anomalies an where an.event_id = e.id and an.status <> 'resolved') as open
    from events e left join payment_attempts a on a.id = e.attempt_id
    where e.provider_event_id = any(${hashes}::text[])
  `;
  const byHash = new Map(rows.map((r) => [r.hash, r]));
  const confirmations = await sql<{ targetRef: string; count: number }[]>`
    select target_ref as "targetRef", count(*)::int as count from confirmations
    where target_ref = any(${world.map((t) => t.attempts[0]!.targetRef)}::text[])
    group by target_ref
  `;
  const confirmedTargets = new Map(
    confirmations.map((c) => [c.targetRef, c.count]),
  );
  return world.map((target) => {
    const row = byHash.get(target.payment.hash);
    const index = (md5: string | null | undefined) =>
      md5 ? (qr.get(md5) ?? 'other') : null;
    return {
      target: target.index,
      event: row !== undefined,
      resolvedQr: index(row?.resolvedMd5),
      confirmations: confirmedTargets.get(target.attempts[0]!.targetRef) ?? 0,
      confirmedQr: index(row?.confirmedMd5),
      dispatches: row?.results ?? [],
      openAnomalies: row?.open ?? [],
    };
  });
}

let database: ScratchDatabase | undefined;
let sql: Sql | undefined;
let app: Gateway;
beforeAll(async () => {
  database = await createScratchDatabase({ prefix: 'gw_faults_order' });
  sql = createSql(database.url, { max: 5 });
  app = await startGateway({
    name: 'order',
    databaseUrl: database.url,
    worker: 'on',
  });
});
afterAll(async () => {
  await stopAllChildren();
  await sql?.end({ timeout: 5 });
  await database?.drop();
});

it('confirmations before their registrations, in random order, end in the same state as in order', async () => {
  const seed = suiteSeed();
  const random = seededRandom(seed);
  const plans = planTargets(random);
  const now = Date.now();
  const inOrder = materialize(plans, 'order-in', now);
  const shuffled = materialize(plans, 'order-random', now);

  // In order: every QR registered, oldest first, then every payment.
  const orderedSteps: Step[] = [
    ...inOrder
      .flatMap((t) => t.attempts)
      .sort((a, b) => Date.parse(a.issuedAt!) - Date.parse(b.issuedAt!))
      .map((attempt) => ({ kind: 'register' as const, attempt })),
    ...inOrder.map((t) => ({ kind: 'pay' as const, payment: t.payment })),
  ];
  const first = await run(app, orderedSteps, 1);
  await waitForSettled(sql!, 60_000);

  // Random: registrations and payments interleaved, four at a time.
  const randomSteps = shuffle<Step>(
    [
      ...shuffled.flatMap((t) =>
        t.attempts.map((attempt) => ({ kind: 'register' as const, attempt })),
      ),
      ...shuffled.map((t) => ({ kind: 'pay' as const, payment: t.payment })),
    ],
    random,
  );
  const paidBeforeRegistered = shuffled.filter((t) => {
    const paidAt = randomSteps.findIndex(
      (s) => s.kind === 'pay' && s.payment === t.payment,
    );
    const registeredAt = randomSteps.findIndex(
      (s) => s.kind === 'register' && s.attempt.md5 === t.payment.attempt.md5,
    );
    return registeredAt > paidAt;
  }).length;
  const second = await run(app, randomSteps, 4);
  const settleMs = await waitForSettled(sql!, 60_000);

  const expected = await stateOf(sql!, inOrder);
  const actual = await stateOf(sql!, shuffled);
  const differing = actual.filter(
    (state, i) => JSON.stringify(state) !== JSON.stringify(expected[i]),
  );
  const counts = tally([...first, ...second]);
  recordScenario('reordering', {
    seed,
    targets: TARGETS,
    qrs: inOrder.reduce((n, t) => n + t.attempts.length, 0),
    paidBeforeRegistered,
    requests: counts.requests,
    answered2xx: counts.answered2xx,
    confirmationsInOrder: expected.filter((s) => s.confirmations === 1).length,
    confirmationsShuffled: actual.filter((s) => s.confirmations === 1).length,
    targetsDiffering: differing.length,
    settleMs,
  });

  expect(counts.answered2xx).toBe(counts.requests);
  expect(expected.every((s) => s.event && s.confirmations <= 1)).toBe(true);
  expect(
    differing.map((state) => ({
      plan: plans[state.target],
      inOrder: expected[state.target],
      shuffled: state,
    })),
  ).toEqual([]);
});

it('an older QR paid before a newer one is registered is still flagged as superseded (supersession follows issuedAt)', async () => {
  const [target] = materialize(
    [
      {
        purpose: 'SALE',
        currency: 'KHR',
        attempts: [
          { issuedMinutesAgo: 20, expiredMinutesAgo: null },
          { issuedMinutesAgo: 10, expiredMinutesAgo: null },
        ],
        paid: 0,
        wrongAmount: false,
      },
    ],
    'order-late-qr',
    Date.now(),
  );
  const [older, newer] = target!.attempts;
  await registerViaApi(app.url, older!);
  const paid = await deliver(app.url, messageFor(target!.payment));
  expect(paid.acknowledged?.status).toBe(200);
  await waitForSettled(sql!, 30_000);
  await registerViaApi(app.url, newer!);
  await waitForSettled(sql!, 30_000);

  const [state] = await stateOf(sql!, [target!]);
  expect(state).toMatchObject({ confirmations: 1, confirmedQr: 0 });
  expect(state?.openAnomalies).toEqual(['superseded_attempt_paid']);
});
