import { randomBytes } from 'node:crypto';

import type { AnyProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  insertTenantRows,
  type TenantRows,
  tokenFor,
} from '../../test/tenant-rows';
import { testSql } from '../../test/ingest-harness';
import { trpcHttp } from '../../test/trpc-harness';
import type { Role } from '../auth/caller';
import type { Meta, Policy } from './init';
import { appRouter } from './root';

const sql = testSql();
afterAll(() => sql.end({ timeout: 5 }));

const READ = ['admin', 'operator', 'viewer', 'service'] as const;
const ACT = ['admin', 'operator'] as const;
const ADMIN_ONLY = ['admin'] as const;

type Access = {
  policy: Policy;
  /** An input naming a row of tenant B; a caller of tenant A must get NOT_FOUND. */
  otherTenant?: (b: TenantRows) => unknown;
};

/**
 * Every procedure of the app router and who may call it. A procedure added
 * without a line here fails the first test, so nobody adds one unchecked.
 */
const ACCESS: Record<string, Access> = {
  'anomalies.list': { policy: READ },
  'anomalies.byId': { policy: READ, otherTenant: (b) => ({ id: b.anomalyId }) },
  'anomalies.acknowledge': {
    policy: ACT,
    otherTenant: (b) => ({ id: b.anomalyId }),
  },
  'anomalies.resolve': {
    policy: ACT,
    otherTenant: (b) => ({ id: b.anomalyId, note: 'not yours' }),
  },
  'auditLog.list': { policy: ACT },
  'auth.signIn': { policy: 'public' },
  'auth.signOut': { policy: 'public' },
  'auth.me': { policy: READ },
  'auth.changePassword': { policy: READ },
  'deliveries.list': { policy: READ },
  'deliveries.byId': {
    policy: READ,
    otherTenant: (b) => ({ id: b.deliveryId }),
  },
  'deliveries.reprocess': {
    policy: ACT,
    otherTenant: (b) => ({ id: b.deliveryId }),
  },
  'dispatches.list': { policy: READ },
  'dispatches.retry': {
    policy: ACT,
    otherTenant: (b) => ({ id: b.dispatchId }),
  },
  'events.list': { policy: READ },
  'events.byId': { policy: READ, otherTenant: (b) => ({ id: b.eventId }) },
  'events.replay': { policy: ACT, otherTenant: (b) => ({ id: b.eventId }) },
  'operators.list': { policy: ADMIN_ONLY },
  'operators.create': { policy: ADMIN_ONLY },
  'operators.update': { policy: ADMIN_ONLY },
  'operators.setPassword': { policy: ADMIN_ONLY },
  'paymentAttempts.list': { policy: READ },
  'paymentAttempts.register': { policy: ['admin', 'service'] },
  'paymentAttempts.byMd5': {
    policy: READ,
    otherTenant: (b) => ({ md5: b.md5 }),
  },
  'stats.overview': { policy: READ },
  'system.whoami': { policy: READ },
  'tokens.create': { policy: ADMIN_ONLY },
  'tokens.list': { policy: ADMIN_ONLY },
  'tokens.revoke': { policy: ADMIN_ONLY },
};

// The type describes the nested routers; at run time the record is flat,
// keyed by each procedure's full path.
const flat = appRouter._def.procedures as unknown as Record<
  string,
  AnyProcedure
>;
const procedures = Object.entries(flat).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  policy: (procedure._def.meta as Meta | undefined)?.policy,
}));

const method = (type: string) => (type === 'mutation' ? 'POST' : 'GET');
const sorted = (roles: readonly Role[]) => [...roles].sort();

let tenantA: TenantRows;
let tenantB: TenantRows;
const tokens = new Map<Role, string>();

beforeAll(async () => {
  const suffix = randomBytes(3).toString('hex');
  tenantA = await insertTenantRows(sql, `access-a-${suffix}`);
  tenantB = await insertTenantRows(sql, `access-b-${suffix}`);
  for (const role of READ) {
    tokens.set(
      role,
      await tokenFor(sql, role, role === 'admin' ? 'all' : [tenantA.tenantId!]),
    );
  }
});

describe('every procedure', () => {
  it('is listed here with its policy, and declares exactly that policy', () => {
    expect(procedures.map((p) => p.path).sort()).toEqual(
      Object.keys(ACCESS).sort(),
    );
    for (const { path, policy } of procedures) {
      const expected = ACCESS[path]!.policy;
      expect(policy, `${path} declares no policy`).toBeDefined();
      if (expected === 'public' || policy === 'public') {
        expect(policy, path).toBe(expected);
      } else {
        expect(sorted(policy!), path).toEqual(sorted(expected));
      }
    }
  });

  it.each(procedures.filter((p) => p.policy !== 'public'))(
    '$path is UNAUTHORIZED without credentials',
    async ({ path, type }) => {
      const { status, json } = await trpcHttp(
        path,
        {},
        { sql, method: method(type) },
      );
      expect(status).toBe(401);
      expect(json).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
    },
  );

  it.each(
    procedures.filter(
      (p) => p.policy !== 'public' && p.policy!.length < READ.length,
    ),
  )(
    '$path is FORBIDDEN to a role it does not list',
    async ({ path, type, policy }) => {
      const wrong = READ.filter(
        (role) => !(policy as readonly Role[]).includes(role),
      );
      for (const role of wrong) {
        const { status, json } = await trpcHttp(
          path,
          {},
          {
            sql,
            method: method(type),
            token: tokens.get(role)!,
          },
        );
        expect(status, `${path} as ${role}`).toBe(403);
        expect(json).toMatchObject({ error: { data: { code: 'FORBIDDEN' } } });
      }
    },
  );

  const scoped = Object.entries(ACCESS).filter(
    ([, access]) => access.otherTenant,
  );

  it.each(scoped)(
    "%s is NOT_FOUND for another tenant's row, for every role it admits",
    async (path, access) => {
      const type = procedures.find((p) => p.path === path)!.type;
      const admitted = READ.filter(
        (role) =>
          role !== 'admin' && (access.policy as readonly Role[]).includes(role),
      );
      expect(admitted.length).toBeGreaterThan(0);
      for (const role of admitted) {
        const { status, json } = await trpcHttp(
          path,
          access.otherTenant!(tenantB),
          {
            sql,
            method: method(type),
            token: tokens.get(role)!,
          },
        );
        expect(json, `${path} as ${role}`).toMatchObject({
          error: { data: { code: 'NOT_FOUND' } },
        });
        expect(status).toBe(404);
      }
    },
  );

  it.each(
    scoped.filter(
      ([path]) => procedures.find((p) => p.path === path)?.type === 'query',
    ),
  )('%s answers the same caller for its own tenant', async (path, access) => {
    const { status } = await trpcHttp(path, access.otherTenant!(tenantA), {
      sql,
      token: tokens.get('viewer')!,
    });
    expect(status).toBe(200);
  });
});

describe('a list', () => {
  it('answers a bare GET, with no input at all, with its first page', async () => {
    const { status, json } = await trpcHttp('events.list', undefined, {
      sql,
      token: tokens.get('viewer')!,
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      result: { data: { items: expect.any(Array), nextCursor: null } },
    });
  });
});

describe('rows with no tenant yet', () => {
  it('are seen by an admin over all tenants and nobody else', async () => {
    const orphan = await insertTenantRows(sql, null);
    const operatorOfAll = await tokenFor(sql, 'operator', 'all');
    for (const [path, input] of [
      ['events.byId', { id: orphan.eventId }],
      ['deliveries.byId', { id: orphan.deliveryId }],
      ['anomalies.byId', { id: orphan.anomalyId }],
    ] as const) {
      const hidden = await trpcHttp(path, input, { sql, token: operatorOfAll });
      expect(hidden.status, path).toBe(404);
      const shown = await trpcHttp(path, input, {
        sql,
        token: tokens.get('admin')!,
      });
      expect(shown.status, path).toBe(200);
    }
  });
});
