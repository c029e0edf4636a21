import { randomBytes } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { testSql } from '../../../test/ingest-harness';
import { insertTenantRows, tokenFor } from '../../../test/tenant-rows';
import { callerFor, tokenCaller, trpcHttp } from '../../../test/trpc-harness';

const sql = testSql();
afterAll(() => sql.end({ timeout: 5 }));

const tenant = `anomaly-${randomBytes(3).toString('hex')}`;
const operator = tokenCaller('operator', [tenant], `tok_operator_${tenant}`);
const as = () => callerFor(operator, sql);

const auditOf = (targetId: string) =>
  sql`
    select action, actor_kind, actor_id, actor_name, target_type, tenant_id, note
    from audit_entries where target_id = ${targetId} order by at, action
  `;

describe('anomalies.acknowledge and anomalies.resolve', () => {
  it('work the queue, record who and when, and audit each action once', async () => {
    const rows = await insertTenantRows(sql, tenant);
    const acknowledged = await as().anomalies.acknowledge({
      id: rows.anomalyId,
    });
    expect(acknowledged).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'operator token',
      acknowledgedAt: expect.any(String),
    });
    await expect(
      as().anomalies.acknowledge({ id: rows.anomalyId }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(
        'already acknowledged by operator token',
      ),
    });

    const resolved = await as().anomalies.resolve({
      id: rows.anomalyId,
      note: 'refunded the difference at the counter',
    });
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: 'operator token',
      resolutionNote: 'refunded the difference at the counter',
    });
    for (const again of [
      () => as().anomalies.resolve({ id: rows.anomalyId, note: 'twice' }),
      () => as().anomalies.acknowledge({ id: rows.anomalyId }),
    ]) {
      await expect(again()).rejects.toMatchObject({ code: 'CONFLICT' });
    }

    expect(await auditOf(rows.anomalyId)).toEqual([
      {
        action: 'anomaly.acknowledge',
        actor_kind: 'token',
        actor_id: operator.id,
        actor_name: 'operator token',
        target_type: 'anomaly',
        tenant_id: tenant,
        note: null,
      },
      {
        action: 'anomaly.resolve',
        actor_kind: 'token',
        actor_id: operator.id,
        actor_name: 'operator token',
        target_type: 'anomaly',
        tenant_id: tenant,
        note: 'refunded the difference at the counter',
      },
    ]);
  });

  it('refuses a resolution without a note', async () => {
    const rows = await insertTenantRows(sql, tenant);
    await expect(
      // @ts-expect-error: the note is required, which is the point
      as().anomalies.resolve({ id: rows.anomalyId }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      as().anomalies.resolve({ id: rows.anomalyId, note: '   ' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('dispatches.retry and events.replay', () => {
  it('are audited once each, the environment admin named as such', async () => {
    const rows = await insertTenantRows(sql, tenant);
    const adminToken = 'test-admin-token-0123456789abcdef';
    const retried = await trpcHttp(
      'dispatches.retry',
      { id: rows.dispatchId, note: 'POS back' },
      {
        sql,
        method: 'POST',
        token: adminToken,
      },
    );
    expect(retried.status).toBe(200);
    const replayed = await as().events.replay({ id: rows.eventId });
    expect(replayed.requeued).toMatchObject([
      { id: rows.dispatchId, previousStatus: 'pending' },
    ]);

    expect(await auditOf(rows.dispatchId!)).toEqual([
      {
        action: 'dispatch.retry',
        actor_kind: 'environment',
        actor_id: 'environment-admin',
        actor_name: 'environment admin',
        target_type: 'dispatch',
        tenant_id: tenant,
        note: 'POS back',
      },
    ]);
    expect(await auditOf(rows.eventId)).toMatchObject([
      { action: 'event.replay', actor_id: operator.id, tenant_id: tenant },
    ]);
  });
});

describe('the audit log', () => {
  it('cannot be changed or emptied, not even by the application', async () => {
    const rows = await insertTenantRows(sql, tenant);
    await as().anomalies.acknowledge({ id: rows.anomalyId });
    for (const statement of [
      sql`update audit_entries set note = 'rewritten' where target_id = ${rows.anomalyId}`,
      sql`delete from audit_entries where target_id = ${rows.anomalyId}`,
      sql`truncate audit_entries`,
    ]) {
      await expect(statement).rejects.toMatchObject({
        message: expect.stringMatching(/audit_entries is append-only/),
      });
    }
    expect(await auditOf(rows.anomalyId)).toHaveLength(1);
  });

  it("is listed for a tenant's operators with their tenant's entries only", async () => {
    const mine = await insertTenantRows(sql, tenant);
    const other = await insertTenantRows(sql, `${tenant}-other`);
    await as().anomalies.acknowledge({ id: mine.anomalyId });
    const otherOperator = tokenCaller('operator', [`${tenant}-other`]);
    await callerFor(otherOperator, sql).anomalies.acknowledge({
      id: other.anomalyId,
    });

    const page = await as().auditLog.list({ limit: 200 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((entry) => entry.tenantId === tenant)).toBe(true);
    expect(page.items.map((entry) => entry.targetId)).toContain(mine.anomalyId);
    const token = await tokenFor(sql, 'viewer', [tenant]);
    const viewer = await trpcHttp('auditLog.list', {}, { sql, token });
    expect(viewer.status).toBe(403);
  });
});
