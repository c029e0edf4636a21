import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../config';
import { authenticate } from './authenticate';
import { type Caller, canSeeTenant } from './caller';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const withAdmin = { adminToken: ADMIN_TOKEN };

const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({
  NODE_ENV: 'test',
  ...vars,
});

const headers = (authorization?: string) =>
  new Headers(authorization === undefined ? {} : { authorization });

describe('authenticate', () => {
  it('makes the holder of GATEWAY_ADMIN_TOKEN the environment admin', async () => {
    const caller = await authenticate(
      headers(`Bearer ${ADMIN_TOKEN}`),
      withAdmin,
    );
    expect(caller).toEqual({
      kind: 'environment',
      id: 'environment-admin',
      name: 'environment admin',
      role: 'admin',
      tenants: 'all',
    });
  });

  it.each(['bearer', 'BEARER', 'bEaReR'])(
    'accepts the %s scheme',
    async (scheme) => {
      const caller = await authenticate(
        headers(`${scheme} ${ADMIN_TOKEN}`),
        withAdmin,
      );
      expect(caller?.id).toBe('environment-admin');
    },
  );

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the scheme alone', 'Bearer'],
    ['another scheme', `Basic ${ADMIN_TOKEN}`],
    ['the token without a scheme', ADMIN_TOKEN],
    [
      'a wrong token of the same length',
      `Bearer ${'x'.repeat(ADMIN_TOKEN.length)}`,
    ],
    ['the token with a suffix', `Bearer ${ADMIN_TOKEN}x`],
    ['a prefix of the token', `Bearer ${ADMIN_TOKEN.slice(0, -1)}`],
    ['a one-character token', 'Bearer x'],
    ['a 64 KiB token', `Bearer ${'y'.repeat(64 * 1024)}`],
    ['two tokens', `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}`],
  ])('knows nobody from %s', async (_, authorization) => {
    await expect(
      authenticate(headers(authorization), withAdmin),
    ).resolves.toBeNull();
  });

  it('accepts no token at all when GATEWAY_ADMIN_TOKEN is unset', async () => {
    for (const token of [ADMIN_TOKEN, 'undefined', 'null', '']) {
      const caller = await authenticate(headers(`Bearer ${token}`), {
        adminToken: undefined,
      });
      expect(caller).toBeNull();
    }
  });
});

describe('GATEWAY_ADMIN_TOKEN in the configuration', () => {
  it('is optional, and read when set', () => {
    const adminToken = (value?: string) =>
      loadConfig(env(value === undefined ? {} : { GATEWAY_ADMIN_TOKEN: value }))
        .adminToken;
    expect(adminToken()).toBeUndefined();
    expect(adminToken('')).toBeUndefined();
    expect(adminToken(ADMIN_TOKEN)).toBe(ADMIN_TOKEN);
  });

  it.each([
    ['too short', 'short-token', /GATEWAY_ADMIN_TOKEN: must be at least 16/],
    [
      'holding a space',
      'an admin token',
      /GATEWAY_ADMIN_TOKEN: must not contain/,
    ],
  ])('is refused when %s, naming the variable', (_, value, message) => {
    const load = () => loadConfig(env({ GATEWAY_ADMIN_TOKEN: value }));
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});

describe('canSeeTenant', () => {
  const caller = (
    role: Caller['role'],
    tenants: Caller['tenants'],
  ): Caller => ({
    kind: 'token',
    id: `tok_${role}`,
    name: role,
    role,
    tenants,
  });

  it('lets an admin over all tenants see every row, even one with no tenant', () => {
    const admin = caller('admin', 'all');
    expect(canSeeTenant(admin, 'tenant-a')).toBe(true);
    expect(canSeeTenant(admin, null)).toBe(true);
  });

  it('limits a listed caller to its tenants, whatever its role', () => {
    for (const role of ['admin', 'operator', 'viewer', 'service'] as const) {
      const listed = caller(role, ['tenant-a', 'tenant-b']);
      expect(canSeeTenant(listed, 'tenant-a')).toBe(true);
      expect(canSeeTenant(listed, 'tenant-b')).toBe(true);
      expect(canSeeTenant(listed, 'tenant-c')).toBe(false);
      expect(canSeeTenant(listed, null)).toBe(false);
    }
  });

  it('never shows a row with no tenant to anyone but an admin', () => {
    expect(canSeeTenant(caller('operator', 'all'), null)).toBe(false);
    expect(canSeeTenant(caller('operator', 'all'), 'tenant-a')).toBe(true);
    expect(canSeeTenant(caller('viewer', []), 'tenant-a')).toBe(false);
  });
});
