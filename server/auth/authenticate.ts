import { createHash, timingSafeEqual } from 'node:crypto';

import type { Sql } from '../../db/client';
import type { Logger } from '../logger';
import type { Caller } from './caller';
import { findOperatorCaller } from './find-operator-caller';
import { findTokenCaller } from './find-token-caller';
import { readSessionCookie } from './session-cookie';

export type AuthenticateDeps = {
  /** `GATEWAY_ADMIN_TOKEN`; unset means no token makes an environment admin. */
  adminToken: string | undefined;
  /** Where issued tokens and operators are looked up; without it, neither is. */
  sql?: Sql;
  /** Opens operator session cookies; unset means console sign-in is off. */
  sessionSecret?: string;
  log?: Logger;
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
 *
 * A request that sends an Authorization header is judged by it alone, even
 * when it also carries a session cookie: a tool's wrong token must fail
 * rather than borrow a browser's session. Without one, the console's
 * session cookie is read.
 */
export async function authenticate(
  headers: Headers,
  deps: AuthenticateDeps,
): Promise<Caller | null> {
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) return null;
    if (deps.adminToken !== undefined && sameToken(token, deps.adminToken)) {
      return ENVIRONMENT_ADMIN;
    }
    return deps.sql ? findTokenCaller(deps.sql, token, deps.log) : null;
  }

  if (deps.sql === undefined || deps.sessionSecret === undefined) return null;
  const session = await readSessionCookie(headers, deps.sessionSecret);
  return session === null ? null : findOperatorCaller(deps.sql, session);
}
