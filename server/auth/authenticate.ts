import { createHash, timingSafeEqual } from 'node:crypto';

import type { Caller } from './caller';

export type AuthenticateDeps = {
  /** `GATEWAY_ADMIN_TOKEN`; unset means no token makes an environment admin. */
  adminToken: string | undefined;
};

const ENVIRONMENT_ADMIN: Caller = {
  kind: 'environment',
  id: 'environment-admin',
  name: 'environment admin',
  role: 'admin',
  tenants: 'all',
};

// RFC 6750 names the scheme case-insensitively; one space, then the token.
const BEARER = /^bearer +(\S+)$/i;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Hashing both sides first gives two 32-byte buffers, so `timingSafeEqual`
 * never throws on a length mismatch and the comparison time does not tell a
 * caller how long the real token is.
 */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * Decides who a request's caller is, or null for nobody known. This is the
 * only place that does: procedures read `ctx.caller` and never the headers.
 * Async already, because stored tokens will be looked up in the database.
 */
export async function authenticate(
  headers: Headers,
  deps: AuthenticateDeps,
): Promise<Caller | null> {
  const token = BEARER.exec(headers.get('authorization') ?? '')?.[1];
  if (token === undefined) return null;

  if (deps.adminToken !== undefined && sameToken(token, deps.adminToken)) {
    return ENVIRONMENT_ADMIN;
  }

  // Stored API tokens (kind 'token') and operator console sessions (kind
  // 'operator') plug in here; until the admin API issue lands, the
  // environment admin is the only caller the gateway knows.
  return null;
}
