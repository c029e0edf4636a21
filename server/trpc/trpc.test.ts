import { TRPCError, getTRPCErrorShape } from '@trpc/server';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';

import { createDb, createSql } from '../../db/client';
import {
  ADMIN,
  TEST_ADMIN_TOKEN,
  callerFor,
  testContext,
  trpcHttp,
} from '../../test/trpc-harness';
import type { Caller } from '../auth/caller';
import { handleTrpcRequest } from './handle-request';
import {
  authedProcedure,
  createCallerFactory,
  publicProcedure,
  roleProcedure,
  router,
} from './init';

const sql = createSql(inject('databaseUrl'), { max: 2 });
afterAll(() => sql.end({ timeout: 5 }));
afterEach(() => vi.unstubAllEnvs());

const VIEWER: Caller = {
  kind: 'token',
  id: 'tok_viewer',
  name: 'reporting viewer',
  role: 'viewer',
  tenants: ['tenant-a'],
};

/** A pino logger that keeps its lines, to check what a call leaves. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { log: pino({ level: 'debug' }, stream), lines };
}

describe('system.whoami over HTTP', () => {
  it('answers 401 UNAUTHORIZED without a token, naming the cause', async () => {
    const { status, json } = await trpcHttp('system.whoami', undefined, {
      sql,
    });
    expect(status).toBe(401);
    expect(json).toMatchObject({
      error: {
        message: expect.stringMatching(/bearer token/i),
        data: { code: 'UNAUTHORIZED', httpStatus: 401, path: 'system.whoami' },
      },
    });
  });

  it.each([
    ['a wrong token', { token: 'not-the-admin-token-at-all' }],
    ['a token of another length', { token: 'x' }],
    ['a very long token', { token: 'z'.repeat(8192) }],
    [
      'a token under another scheme',
      { authorization: `Basic ${TEST_ADMIN_TOKEN}` },
    ],
  ])('answers 401 UNAUTHORIZED to %s', async (_, auth) => {
    const { status, json } = await trpcHttp('system.whoami', undefined, {
      sql,
      ...auth,
    });
    expect(status).toBe(401);
    expect(json).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
  });

  it('answers the environment admin in plain JSON, with no transformer', async () => {
    const { status, json } = await trpcHttp(
      'system.whoami',
      {},
      { sql, token: TEST_ADMIN_TOKEN },
    );
    expect(status).toBe(200);
    // Exactly this shape: a transformer would wrap data as `{ json: … }`.
    expect(json).toEqual({
      result: {
        data: {
          id: 'environment-admin',
          name: 'environment admin',
          role: 'admin',
          tenants: 'all',
        },
      },
    });
  });

  it('takes a hand-written GET with ?input= URL-encoded JSON', async () => {
    // What a script without tRPC's client sends: no batching, no wrapper.
    const response = await handleTrpcRequest(
      new Request('http://127.0.0.1/api/trpc/system.whoami?input=%7B%7D', {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      }),
      {
        sql,
        db: createDb(sql),
        log: pino({ level: 'silent' }),
        adminToken: TEST_ADMIN_TOKEN,
        dispatch: { routes: {} },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({
      result: { data: { role: 'admin' } },
    });
  });

  it.each(['bearer', 'BEARER'])('accepts the %s scheme', async (scheme) => {
    const { status } = await trpcHttp('system.whoami', undefined, {
      sql,
      authorization: `${scheme} ${TEST_ADMIN_TOKEN}`,
    });
    expect(status).toBe(200);
  });

  it('accepts no token when GATEWAY_ADMIN_TOKEN is unset', async () => {
    const { status } = await trpcHttp('system.whoami', undefined, {
      sql,
      token: TEST_ADMIN_TOKEN,
      adminToken: null,
    });
    expect(status).toBe(401);
  });

  it('answers 400 BAD_REQUEST to an unknown input key, with the zod issues', async () => {
    const { status, json } = await trpcHttp(
      'system.whoami',
      { tenant: 'tenant-a' },
      { sql, token: TEST_ADMIN_TOKEN },
    );
    expect(status).toBe(400);
    expect(json).toMatchObject({
      error: {
        message: expect.stringContaining('Unrecognized key: "tenant"'),
        data: {
          code: 'BAD_REQUEST',
          zodError: {
            formErrors: [expect.stringContaining('"tenant"')],
            fieldErrors: {},
          },
        },
      },
    });
  });

  it('answers 405 to a query sent as POST', async () => {
    const { status } = await trpcHttp(
      'system.whoami',
      {},
      {
        sql,
        token: TEST_ADMIN_TOKEN,
        method: 'POST',
      },
    );
    expect(status).toBe(405);
  });

  it('keeps stack traces out of production responses', async () => {
    const dev = await trpcHttp('system.whoami', undefined, { sql });
    expect(dev.json).toMatchObject({
      error: { data: { stack: expect.any(String) } },
    });

    vi.stubEnv('NODE_ENV', 'production');
    const { json } = await trpcHttp('system.whoami', undefined, { sql });
    expect(JSON.stringify(json)).not.toContain('stack');
  });

  it('logs one line per call, and one for a path that does not exist', async () => {
    const { log, lines } = capturingLogger();
    await trpcHttp('system.whoami', undefined, { sql, log });
    await trpcHttp('system.whoami', undefined, {
      sql,
      log,
      token: TEST_ADMIN_TOKEN,
    });
    await trpcHttp('system.nothingHere', undefined, { sql, log });
    expect(lines).toMatchObject([
      {
        level: 30,
        path: 'system.whoami',
        type: 'query',
        callerId: null,
        ok: false,
        code: 'UNAUTHORIZED',
        durationMs: expect.any(Number),
      },
      {
        level: 20,
        path: 'system.whoami',
        type: 'query',
        callerId: 'environment-admin',
        ok: true,
        durationMs: expect.any(Number),
      },
      { level: 30, path: 'system.nothingHere', ok: false, code: 'NOT_FOUND' },
    ]);
    expect(lines).toHaveLength(3);
  });
});

describe('system.whoami in-process', () => {
  it('is UNAUTHORIZED without a caller', async () => {
    await expect(callerFor(null, sql).system.whoami()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('answers who the caller is, tenants included', async () => {
    await expect(callerFor(VIEWER, sql).system.whoami({})).resolves.toEqual({
      id: 'tok_viewer',
      name: 'reporting viewer',
      role: 'viewer',
      tenants: ['tenant-a'],
    });
  });
});

// A router that exists only here, to try the base procedures alone.
const testRouter = router({
  adminOnly: roleProcedure('admin').query(({ ctx }) => ctx.caller.role),
  operate: roleProcedure('admin', 'operator')
    .input(z.object({ note: z.string().max(10) }).strict())
    .mutation(({ input }) => input.note),
  fail: authedProcedure.query(() => {
    throw new Error('relation "secret_table" does not exist');
  }),
  open: publicProcedure
    .meta({ policy: 'public' })
    .query(({ ctx }) => ctx.caller?.id ?? 'nobody'),
  forgotten: publicProcedure.query(() => 'reached'),
  change: publicProcedure.meta({ policy: 'public' }).mutation(() => 'changed'),
});
const createTestCaller = createCallerFactory(testRouter);

describe('base procedures', () => {
  it('roleProcedure is FORBIDDEN to another role, naming the role needed', async () => {
    const viewer = createTestCaller(testContext(VIEWER, sql));
    const refusal = viewer.adminOnly();
    await expect(refusal).rejects.toBeInstanceOf(TRPCError);
    await expect(refusal).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(
        /needs the role admin; caller tok_viewer .* viewer/,
      ),
    });
    await expect(viewer.operate({ note: 'hi' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('admin or operator'),
    });
  });

  it('roleProcedure admits a listed role, and no one unauthenticated', async () => {
    const operator: Caller = { ...VIEWER, id: 'tok_op', role: 'operator' };
    await expect(
      createTestCaller(testContext(ADMIN, sql)).adminOnly(),
    ).resolves.toBe('admin');
    await expect(
      createTestCaller(testContext(operator, sql)).operate({ note: 'ok' }),
    ).resolves.toBe('ok');
    await expect(
      createTestCaller(testContext(null, sql)).adminOnly(),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('publicProcedure admits anyone, once the procedure says so', async () => {
    await expect(createTestCaller(testContext(null, sql)).open()).resolves.toBe(
      'nobody',
    );
  });

  it('closes a procedure that declares no policy to every caller', async () => {
    for (const caller of [null, ADMIN, VIEWER]) {
      await expect(
        createTestCaller(testContext(caller, sql)).forgotten(),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('declares no access policy'),
      });
    }
  });

  it('refuses a mutation from a request another site could have forged', async () => {
    const forged = testContext(null, sql, undefined, undefined, {
      trustedOrigin: false,
    });
    await expect(createTestCaller(forged).change()).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('x-gateway-csrf'),
    });
    // A query is a read: the same request may make it.
    await expect(createTestCaller(forged).open()).resolves.toBe('nobody');
  });

  it('rejects unknown keys before the procedure runs', async () => {
    const admin = createTestCaller(testContext(ADMIN, sql));
    // @ts-expect-error: the extra key is the point of the test
    await expect(admin.operate({ note: 'ok', extra: 1 })).rejects.toMatchObject(
      {
        code: 'BAD_REQUEST',
      },
    );
  });

  it('logs an internal error at warn, and hides it in production', async () => {
    const { log, lines } = capturingLogger();
    const failure = await createTestCaller(testContext(ADMIN, sql, log))
      .fail()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCError);
    expect(lines).toMatchObject([
      {
        level: 40,
        path: 'fail',
        code: 'INTERNAL_SERVER_ERROR',
        err: { message: 'relation "secret_table" does not exist' },
      },
    ]);

    vi.stubEnv('NODE_ENV', 'production');
    const shape = getTRPCErrorShape({
      config: testRouter._def._config,
      error: failure as TRPCError,
      type: 'query',
      path: 'fail',
      input: undefined,
      ctx: undefined,
    });
    expect(JSON.stringify(shape)).not.toMatch(/secret_table|stack/);
    expect(shape.data).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      httpStatus: 500,
    });
  });
});
