import { randomBytes } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { testSql } from '../../test/ingest-harness';
import { insertTenantRows } from '../../test/tenant-rows';
import { ADMIN, TEST_ADMIN_TOKEN, trpcHttp } from '../../test/trpc-harness';
import type { Role } from './caller';
import { createOperator } from './create-operator';

const sql = testSql();
afterAll(() => sql.end({ timeout: 5 }));

const suffix = randomBytes(3).toString('hex');
const tenant = `session-${suffix}`;
const PASSWORD = 'correct horse battery';
const CSRF = { 'x-gateway-csrf': '1' };

/** An operator made directly, with a cheap hash: bcrypt at 12 is 0.3 s a go. */
async function operator(
  role: Role = 'operator',
  tenants: 'all' | string[] = [tenant],
) {
  const username = `op-${randomBytes(4).toString('hex')}`;
  const created = await createOperator(
    sql,
    { username, password: PASSWORD, role, tenants },
    ADMIN,
    4,
  );
  if (!created.ok) throw new Error('username taken');
  return created.value;
}

/** Signs in over HTTP and returns the cookie to send back. */
async function signIn(
  username: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
) {
  const answer = await trpcHttp(
    'auth.signIn',
    { username, password },
    {
      sql,
      method: 'POST',
      headers: { ...CSRF, ...headers },
    },
  );
  const setCookie = answer.headers.get('set-cookie');
  return { ...answer, setCookie, cookie: setCookie?.split(';')[0] ?? '' };
}

const asCookie = (cookie: string, extra: Record<string, string> = {}) => ({
  sql,
  headers: { cookie, ...extra },
});

const auditFor = (targetId: string) =>
  sql<{ action: string; actorKind: string; detail: Record<string, unknown> }[]>`
    select action, actor_kind as "actorKind", detail from audit_entries
    where target_id = ${targetId} order by at, action
  `;

describe('operator sign-in', () => {
  it('sets an HttpOnly, SameSite session cookie that names the operator', async () => {
    const alice = await operator();
    const answer = await signIn(alice.username.toUpperCase());
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      result: {
        data: {
          kind: 'operator',
          id: alice.id,
          role: 'operator',
          tenants: [tenant],
        },
      },
    });
    expect(answer.setCookie).toMatch(/^gateway_session=Fe26\.2\*/);
    expect(answer.setCookie).toMatch(/; HttpOnly/);
    expect(answer.setCookie).toMatch(/; SameSite=Lax/);
    expect(answer.setCookie).toMatch(/; Path=\//);
    expect(answer.setCookie).toMatch(/; Max-Age=43140/);
    expect(answer.setCookie).not.toMatch(/; Secure/);

    const me = await trpcHttp('auth.me', {}, asCookie(answer.cookie));
    expect(me.json).toMatchObject({
      result: { data: { id: alice.id, name: alice.username } },
    });

    const https = await signIn(alice.username, PASSWORD, {
      'x-forwarded-proto': 'https',
    });
    expect(https.setCookie).toMatch(/; Secure/);
    const audit = await auditFor(alice.id);
    expect(
      audit.filter((entry) => entry.action === 'auth.sign_in'),
    ).toHaveLength(2);
  });

  it('answers every failure alike, and audits each with its reason', async () => {
    const bob = await operator();
    const unknownName = `nobody-${suffix}`;
    const wrong = await signIn(bob.username, 'not the password at all');
    const unknown = await signIn(unknownName);
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.setCookie).toBeNull();
      expect(answer.json).toMatchObject({
        error: { message: 'Wrong username or password.' },
      });
    }
    expect(await auditFor(bob.id)).toMatchObject([
      { action: 'operator.create' },
      {
        action: 'auth.sign_in_failed',
        actorKind: 'anonymous',
        detail: { reason: 'wrong_password', username: bob.username },
      },
    ]);
    const [failed] = await sql`
      select detail from audit_entries
      where action = 'auth.sign_in_failed' and actor_name = ${unknownName}
    `;
    expect(failed!.detail).toMatchObject({ reason: 'unknown_username' });
  });

  it('is refused without the anti-forgery header, or from another origin', async () => {
    const carol = await operator();
    const bare = await trpcHttp(
      'auth.signIn',
      { username: carol.username, password: PASSWORD },
      {
        sql,
        method: 'POST',
      },
    );
    expect(bare.status).toBe(403);
    const elsewhere = await signIn(carol.username, PASSWORD, {
      origin: 'https://evil.example',
    });
    expect(elsewhere.status).toBe(403);
    const home = await signIn(carol.username, PASSWORD, {
      origin: 'http://127.0.0.1',
    });
    expect(home.status).toBe(200);
  });

  it('is off, with a message saying why, when no session secret is configured', async () => {
    const dave = await operator();
    const answer = await trpcHttp(
      'auth.signIn',
      { username: dave.username, password: PASSWORD },
      {
        sql,
        method: 'POST',
        headers: CSRF,
        sessionSecret: null,
      },
    );
    expect(answer.status).toBe(412);
    expect(JSON.stringify(answer.json)).toContain('SESSION_SECRET');
  });
});

describe('a session cookie', () => {
  it('works for mutations only with the anti-forgery header from the same origin', async () => {
    const erin = await operator();
    const { cookie } = await signIn(erin.username);
    const rows = await insertTenantRows(sql, tenant);
    const acknowledge = (headers: Record<string, string>) =>
      trpcHttp(
        'anomalies.acknowledge',
        { id: rows.anomalyId },
        {
          ...asCookie(cookie, headers),
          method: 'POST',
        },
      );
    expect((await acknowledge({})).status).toBe(403);
    expect(
      (await acknowledge({ ...CSRF, origin: 'https://evil.example' })).status,
    ).toBe(403);
    expect((await acknowledge({ ...CSRF, origin: 'null' })).status).toBe(403);
    expect(
      (await acknowledge({ ...CSRF, origin: 'http://127.0.0.1' })).status,
    ).toBe(200);
    const [entry] = await sql`
      select actor_kind, actor_id, actor_name from audit_entries
      where action = 'anomaly.acknowledge' and target_id = ${rows.anomalyId}
    `;
    expect(entry).toEqual({
      actor_kind: 'operator',
      actor_id: erin.id,
      actor_name: erin.username,
    });
  });

  it('follows the operator row at once: role change, disabling', async () => {
    const frank = await operator();
    const { cookie } = await signIn(frank.username);
    const rows = await insertTenantRows(sql, tenant);
    const demoted = await trpcHttp(
      'operators.update',
      { id: frank.id, role: 'viewer' },
      {
        sql,
        method: 'POST',
        token: TEST_ADMIN_TOKEN,
      },
    );
    expect(demoted.status).toBe(200);
    const refused = await trpcHttp(
      'anomalies.acknowledge',
      { id: rows.anomalyId },
      {
        ...asCookie(cookie, CSRF),
        method: 'POST',
      },
    );
    expect(refused.status).toBe(403);

    await trpcHttp(
      'operators.update',
      { id: frank.id, disabled: true },
      {
        sql,
        method: 'POST',
        token: TEST_ADMIN_TOKEN,
      },
    );
    expect((await trpcHttp('auth.me', {}, asCookie(cookie))).status).toBe(401);
    // Enabling again does not bring an old cookie back.
    await trpcHttp(
      'operators.update',
      { id: frank.id, disabled: false },
      {
        sql,
        method: 'POST',
        token: TEST_ADMIN_TOKEN,
      },
    );
    expect((await trpcHttp('auth.me', {}, asCookie(cookie))).status).toBe(401);
    expect((await signIn(frank.username)).status).toBe(200);
    expect((await auditFor(frank.id)).map((entry) => entry.action)).toEqual([
      'operator.create',
      'auth.sign_in',
      'operator.update',
      'operator.update',
      'operator.update',
      'auth.sign_in',
    ]);
  });

  it('ends at sign-out, and a copy of it stops working too', async () => {
    const grace = await operator();
    const { cookie } = await signIn(grace.username);
    const out = await trpcHttp(
      'auth.signOut',
      {},
      { ...asCookie(cookie, CSRF), method: 'POST' },
    );
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(
      /^gateway_session=; Max-Age=0/,
    );
    expect((await trpcHttp('auth.me', {}, asCookie(cookie))).status).toBe(401);
    expect((await auditFor(grace.id)).map((entry) => entry.action)).toEqual([
      'operator.create',
      'auth.sign_in',
      'auth.sign_out',
    ]);
  });

  it('is ignored when tampered with, sealed with another secret, or beside a bearer', async () => {
    const heidi = await operator();
    const { cookie } = await signIn(heidi.username);
    // One character of the seal's MAC changed (the seal ends in `~2`).
    const at = cookie.length - 8;
    const tampered =
      cookie.slice(0, at) +
      (cookie[at] === 'A' ? 'B' : 'A') +
      cookie.slice(at + 1);
    expect(tampered).not.toBe(cookie);
    expect((await trpcHttp('auth.me', {}, asCookie(tampered))).status).toBe(
      401,
    );
    const otherSecret = await trpcHttp(
      'auth.me',
      {},
      {
        ...asCookie(cookie),
        sessionSecret: 'another-session-secret-0123456789-abcdefghijkl',
      },
    );
    expect(otherSecret.status).toBe(401);
    const withBearer = await trpcHttp(
      'auth.me',
      {},
      { ...asCookie(cookie), token: 'mgw_wrong' },
    );
    expect(withBearer.status).toBe(401);
  });

  it('survives a change of its own password while every other session ends', async () => {
    const ivan = await operator();
    const here = await signIn(ivan.username);
    const there = await signIn(ivan.username);
    const changed = await trpcHttp(
      'auth.changePassword',
      { currentPassword: PASSWORD, newPassword: 'a much longer new password' },
      { ...asCookie(here.cookie, CSRF), method: 'POST' },
    );
    expect(changed.status).toBe(200);
    const renewed = changed.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect((await trpcHttp('auth.me', {}, asCookie(renewed))).status).toBe(200);
    expect((await trpcHttp('auth.me', {}, asCookie(there.cookie))).status).toBe(
      401,
    );
    expect((await signIn(ivan.username)).status).toBe(401);
    expect(
      (await signIn(ivan.username, 'a much longer new password')).status,
    ).toBe(200);
    expect((await auditFor(ivan.id)).map((entry) => entry.action)).toEqual([
      'operator.create',
      'auth.sign_in',
      'auth.sign_in',
      'auth.change_password',
      'auth.sign_in_failed',
      'auth.sign_in',
    ]);
  });

  it("set by an admin ends the operator's sessions, and is audited once", async () => {
    const judy = await operator();
    const { cookie } = await signIn(judy.username);
    const set = await trpcHttp(
      'operators.setPassword',
      { id: judy.id, password: 'set by the admin today' },
      { sql, token: TEST_ADMIN_TOKEN, method: 'POST' },
    );
    expect(set.status).toBe(200);
    expect((await trpcHttp('auth.me', {}, asCookie(cookie))).status).toBe(401);
    const actions = (await auditFor(judy.id)).map((entry) => entry.action);
    expect(
      actions.filter((action) => action === 'operator.set_password'),
    ).toHaveLength(1);
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, scoped to their tenants, and revocable', async () => {
    const admin = { sql, token: TEST_ADMIN_TOKEN, method: 'POST' as const };
    const created = await trpcHttp(
      'tokens.create',
      { name: 'pos reporting', role: 'viewer', tenants: [tenant] },
      admin,
    );
    expect(created.status).toBe(200);
    const issued = (
      created.json as { result: { data: { id: string; token: string } } }
    ).result.data;
    expect(issued.token).toMatch(/^mgw_[A-Za-z0-9_-]{43}$/);
    const [stored] =
      await sql`select * from api_tokens where id = ${issued.id}`;
    expect(JSON.stringify(stored)).not.toContain(issued.token);
    expect(stored!.prefix).toBe(issued.token.slice(0, 12));

    const listed = await trpcHttp(
      'tokens.list',
      {},
      { sql, token: TEST_ADMIN_TOKEN },
    );
    expect(JSON.stringify(listed.json)).not.toContain(issued.token);
    expect(JSON.stringify(listed.json)).toContain(issued.id);

    const whoami = await trpcHttp(
      'system.whoami',
      {},
      { sql, token: issued.token },
    );
    expect(whoami.json).toMatchObject({
      result: { data: { id: issued.id, role: 'viewer', tenants: [tenant] } },
    });
    const [used] =
      await sql`select last_used_at from api_tokens where id = ${issued.id}`;
    for (let i = 0; i < 50 && used!.last_used_at === null; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const [row] =
        await sql`select last_used_at from api_tokens where id = ${issued.id}`;
      used!.last_used_at = row!.last_used_at;
    }
    expect(used!.last_used_at).not.toBeNull();

    const revoked = await trpcHttp(
      'tokens.revoke',
      { id: issued.id, note: 'leaked' },
      admin,
    );
    expect(revoked.status).toBe(200);
    expect(
      (await trpcHttp('system.whoami', {}, { sql, token: issued.token }))
        .status,
    ).toBe(401);
    const twice = await trpcHttp('tokens.revoke', { id: issued.id }, admin);
    expect(twice.status).toBe(409);
    expect((await auditFor(issued.id)).map((entry) => entry.action)).toEqual([
      'token.create',
      'token.revoke',
    ]);
  });

  it('for an admin are over every tenant', async () => {
    const answer = await trpcHttp(
      'tokens.create',
      { name: 'narrow admin', role: 'admin', tenants: [tenant] },
      { sql, token: TEST_ADMIN_TOKEN, method: 'POST' },
    );
    expect(answer.status).toBe(400);
  });
});

describe('operators.create', () => {
  it('hashes with bcrypt, refuses a taken name, and audits', async () => {
    const username = `made-${suffix}`;
    const input = {
      username,
      password: PASSWORD,
      role: 'operator',
      tenants: [tenant],
    };
    const admin = { sql, token: TEST_ADMIN_TOKEN, method: 'POST' as const };
    const made = await trpcHttp('operators.create', input, admin);
    expect(made.status).toBe(200);
    const [row] =
      await sql`select password_hash from operators where username = ${username}`;
    expect(row!.password_hash).toMatch(/^\$2[aby]\$12\$/);
    expect((await trpcHttp('operators.create', input, admin)).status).toBe(409);
    const short = await trpcHttp(
      'operators.create',
      { ...input, password: 'short' },
      admin,
    );
    expect(short.status).toBe(400);
    expect((await signIn(username)).status).toBe(200);
  });
});
