import { afterAll, describe, expect, it } from 'vitest';

import { randomMd5 } from '../../test/dispatch-harness';
import { testSql } from '../../test/ingest-harness';
import {
  ADMIN,
  callerFor,
  trpcHttp,
  TEST_ADMIN_TOKEN,
} from '../../test/trpc-harness';
import type { Caller } from '../auth/caller';

const sql = testSql();
afterAll(() => sql.end({ timeout: 5 }));

const who = (role: Caller['role'], tenants: string[]): Caller => ({
  kind: 'token',
  id: `${role}-${tenants.join('-')}`,
  name: role,
  role,
  tenants,
});
const serviceA = who('service', ['tenant-a']);
const viewerA = who('viewer', ['tenant-a']);
const operatorB = who('operator', ['tenant-b']);

const attempt = (overrides: Record<string, unknown> = {}) => ({
  md5: randomMd5(),
  tenantId: 'tenant-a',
  purpose: 'SALE' as const,
  targetRef: `sale-${randomMd5().slice(0, 10)}`,
  amount: '4.50',
  currency: 'USD' as const,
  receiverAccountId: 'demo_cafe@devb',
  issuedAt: '2026-12-04T08:00:00.000Z',
  ...overrides,
});

describe('paymentAttempts.register', () => {
  it('registers, and the same content again is a no-op', async () => {
    const input = attempt();
    const first = await callerFor(serviceA, sql).paymentAttempts.register(
      input,
    );
    expect(first.status).toBe('registered');
    expect(first.attempt).toMatchObject({
      md5: input.md5,
      state: 'awaiting',
      amount: '4.50',
      amountMinor: '450',
      currency: 'USD',
      confirmation: null,
    });
    const again = await callerFor(serviceA, sql).paymentAttempts.register(
      input,
    );
    expect(again.status).toBe('unchanged');
    expect(again.attempt?.id).toBe(first.attempt?.id);
  });

  it('a retry that leaves issuedAt to the server is still the same content', async () => {
    const { issuedAt: _, ...input } = attempt();
    await callerFor(serviceA, sql).paymentAttempts.register(input);
    const again = await callerFor(serviceA, sql).paymentAttempts.register(
      input,
    );
    expect(again.status).toBe('unchanged');
  });

  it('the same md5 with other content is a CONFLICT', async () => {
    const input = attempt();
    await callerFor(serviceA, sql).paymentAttempts.register(input);
    await expect(
      callerFor(serviceA, sql).paymentAttempts.register({
        ...input,
        amount: '5.00',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it.each([
    ['an amount with a third decimal', { amount: '4.505' }],
    ['riel with decimals', { amount: '25000.5', currency: 'KHR' }],
    ['a float-looking amount', { amount: '12.300000000000001' }],
    ['a zero amount', { amount: '0' }],
    ['an uppercase md5', { md5: 'A'.repeat(32) }],
    ['a tenant id with a dot', { tenantId: 'tenant.a' }],
    ['an unknown key', { note: 'x' }],
    ['an unknown purpose', { purpose: 'REFUND' }],
  ])('refuses %s as BAD_REQUEST', async (_, overrides) => {
    await expect(
      callerFor(ADMIN, sql).paymentAttempts.register(
        attempt(overrides) as never,
      ),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('is FORBIDDEN to a viewer, and for a tenant that is not the caller’s', async () => {
    await expect(
      callerFor(viewerA, sql).paymentAttempts.register(attempt()),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      callerFor(serviceA, sql).paymentAttempts.register(
        attempt({ tenantId: 'tenant-b' }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('is UNAUTHORIZED over HTTP without a token, and works with the admin token', async () => {
    const input = attempt();
    const anonymous = await trpcHttp('paymentAttempts.register', input, {
      sql,
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);
    const admin = await trpcHttp('paymentAttempts.register', input, {
      sql,
      method: 'POST',
      token: TEST_ADMIN_TOKEN,
    });
    expect(admin.status).toBe(200);
    expect(admin.json).toMatchObject({
      result: { data: { status: 'registered' } },
    });
  });
});

describe('paymentAttempts.byMd5', () => {
  it('answers the owner tenant, and NOT_FOUND to another tenant', async () => {
    const input = attempt();
    await callerFor(serviceA, sql).paymentAttempts.register(input);
    const seen = await callerFor(viewerA, sql).paymentAttempts.byMd5({
      md5: input.md5,
    });
    expect(seen.state).toBe('awaiting');
    await expect(
      callerFor(operatorB, sql).paymentAttempts.byMd5({ md5: input.md5 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      callerFor(viewerA, sql).paymentAttempts.byMd5({ md5: randomMd5() }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('says expired once expiresAt has passed without a payment', async () => {
    const input = attempt({ expiresAt: '2026-12-04T08:05:00.000Z' });
    await callerFor(serviceA, sql).paymentAttempts.register(input);
    const view = await callerFor(serviceA, sql).paymentAttempts.byMd5({
      md5: input.md5,
    });
    expect(view.state).toBe('expired');
  });
});
