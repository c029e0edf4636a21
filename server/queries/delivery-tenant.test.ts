import { randomBytes } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { randomMd5 } from '../../test/dispatch-harness';
import { ingestContext, KEY_2, send, testSql } from '../../test/ingest-harness';
import { ADMIN, callerFor, tokenCaller } from '../../test/trpc-harness';
import { makeConfirmation } from '../providers/bakong/make-confirmation';

const sql = testSql();
afterAll(() => sql.end({ timeout: 5 }));
const ctx = ingestContext(sql);

const tenant = `dt-${randomBytes(3).toString('hex')}`;
const operator = () => callerFor(tokenCaller('operator', [tenant]), sql);

async function register(md5: string) {
  await callerFor(ADMIN, sql).paymentAttempts.register({
    md5,
    tenantId: tenant,
    branchId: 'branch-1',
    purpose: 'SALE',
    targetRef: `sale-${md5.slice(0, 10)}`,
    amount: '25000',
    currency: 'KHR',
    receiverAccountId: 'demo_cafe@devb',
  });
}

/** Each delivery of the payment `md5`, oldest first, with both tenants. */
async function deliveriesOf(md5: string) {
  return sql<
    { outcome: string; tenantId: string | null; eventTenantId: string | null }[]
  >`
    select d.outcome, d.tenant_id as "tenantId", e.tenant_id as "eventTenantId"
    from deliveries d join events e on e.id = d.event_id
    where e.correlation_key = ${md5}
    order by d.received_at, d.created_at
  `;
}

describe("a delivery's tenant (deliveries.tenant_id)", () => {
  it('is the attempt’s when the attempt was registered before the payment', async () => {
    const md5 = randomMd5();
    await register(md5);
    const body = makeConfirmation({ md5 });
    expect((await send(ctx, body)).status).toBe(200);
    expect((await send(ctx, body)).status).toBe(200);
    // The same payment with another amount: quarantined, but its event's.
    const conflicting = body.replace('"amount":25000', '"amount":26000');
    expect(conflicting).not.toBe(body);
    expect((await send(ctx, conflicting)).status).toBe(202);

    expect(await deliveriesOf(md5)).toEqual([
      { outcome: 'accepted', tenantId: tenant, eventTenantId: tenant },
      { outcome: 'duplicate', tenantId: tenant, eventTenantId: tenant },
      { outcome: 'quarantined', tenantId: tenant, eventTenantId: tenant },
    ]);
    const listed = await operator().deliveries.list({ tenantId: tenant });
    expect(listed.items.filter((d) => d.md5 === md5)).toHaveLength(3);
  });

  it('is set on the earlier deliveries when the attempt is registered late', async () => {
    const md5 = randomMd5();
    const body = makeConfirmation({ md5 });
    expect((await send(ctx, body)).status).toBe(200);
    expect((await send(ctx, body)).status).toBe(200);
    expect(await deliveriesOf(md5)).toEqual([
      { outcome: 'accepted', tenantId: null, eventTenantId: null },
      { outcome: 'duplicate', tenantId: null, eventTenantId: null },
    ]);
    const hidden = await operator().deliveries.list({ search: md5 });
    expect(hidden.items).toEqual([]);

    await register(md5);
    expect((await send(ctx, body)).status).toBe(200);

    expect(await deliveriesOf(md5)).toEqual([
      { outcome: 'accepted', tenantId: tenant, eventTenantId: tenant },
      { outcome: 'duplicate', tenantId: tenant, eventTenantId: tenant },
      { outcome: 'duplicate', tenantId: tenant, eventTenantId: tenant },
    ]);
    const visible = await operator().deliveries.list({ search: md5 });
    expect(visible.items.map((d) => d.tenantId)).toEqual([
      tenant,
      tenant,
      tenant,
    ]);
  });

  it('stays empty for a refused delivery, which has no event', async () => {
    const body = makeConfirmation({ md5: randomMd5() });
    const refused = await send(ctx, body, { key: randomBytes(32) });
    expect(refused.status).toBe(401);
    const [row] = await sql<{ tenantId: string | null; eventId: null }[]>`
      select tenant_id as "tenantId", event_id as "eventId" from deliveries
      where body_sha256 = encode(sha256(convert_to(${body}, 'UTF8')), 'hex')
    `;
    expect(row).toEqual({ tenantId: null, eventId: null });
  });

  it('registrations racing their payments leave every delivery its event’s tenant', async () => {
    const md5s = Array.from({ length: 12 }, () => randomMd5());
    const bodies = md5s.map((md5) => makeConfirmation({ md5 }));
    // Each payment sent three times while its attempt is being registered.
    await Promise.all(
      md5s.flatMap((md5, i) => [
        register(md5),
        ...[0, 1, 2].map(() =>
          send(ctx, bodies[i]!, { key: i % 2 ? KEY_2 : undefined }),
        ),
      ]),
    );
    const [row] = await sql<{ deliveries: number; differing: number }[]>`
      select count(*)::int as deliveries,
             count(*) filter (
               where d.tenant_id is distinct from e.tenant_id
                  or d.tenant_id is distinct from ${tenant}
             )::int as differing
      from deliveries d join events e on e.id = d.event_id
      where e.correlation_key = any(${md5s}::text[])
    `;
    expect(row).toEqual({ deliveries: 36, differing: 0 });
  });
});
