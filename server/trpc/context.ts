import { type Db, type Sql, getDatabase } from '../../db/client';
import type { Caller } from '../auth/caller';
import { type AuthenticateDeps, authenticate } from '../auth/authenticate';
import { checkOrigin } from '../auth/check-origin';
import { type SessionData, writeSessionCookie } from '../auth/session-cookie';
import { getConfig } from '../config';
import { getRegistry } from '../dispatch/default-registry';
import type { DispatchRoutes } from '../dispatch/registry';
import { PEER_HEADER } from '../ingest/describe-request';
import { type Logger, getLogger } from '../logger';
import { readSessionSecret } from '../runtime/ensure-session-secret';

/** Sets or clears the console's session cookie on this call's response. */
export type SessionControl = {
  start: (session: SessionData) => Promise<void>;
  end: () => Promise<void>;
};

export type Context = {
  db: Db;
  sql: Sql;
  /** Null when the request named no caller the gateway knows. */
  caller: Caller | null;
  /** The `x-request-id` the caller or the load balancer sent, if usable. */
  requestId: string | null;
  log: Logger;
  /** The dispatch registry's routes, for events resolved by a call. */
  dispatch: DispatchRoutes;
  /** The peer address our HTTP server recorded; null when unknown. */
  remoteAddress: string | null;
  /**
   * Whether a mutation sent this way cannot have been forged by another
   * site: see server/auth/check-origin.ts. Every mutation requires it.
   */
  trustedOrigin: boolean;
  /** Null when console sign-in is off (no session secret) or not over HTTP. */
  session: SessionControl | null;
};

/** What every context is built from; tests pass their own. */
export type ContextDeps = AuthenticateDeps & {
  db: Db;
  sql: Sql;
  log: Logger;
  dispatch: DispatchRoutes;
};

let processDeps: ContextDeps | undefined;
let secretLookedForAt = 0;

/** This process's pool, logger, admin token and session secret. */
export function getContextDeps(): ContextDeps {
  if (!processDeps) {
    const { db, sql } = getDatabase();
    const config = getConfig();
    const log = getLogger().child({ route: 'trpc' });
    processDeps = {
      db,
      sql,
      log,
      adminToken: config.adminToken,
      sessionSecret: config.sessionSecret ?? readSessionSecret(config.dataDir),
      dispatch: getRegistry().routes,
    };
    secretLookedForAt = Date.now();
  } else if (
    processDeps.sessionSecret === undefined &&
    Date.now() - secretLookedForAt > 5000
  ) {
    // On the embedded default the secret file may be written after this
    // process started (by `npm run operator:create`): look again now and then.
    secretLookedForAt = Date.now();
    processDeps = {
      ...processDeps,
      sessionSecret: readSessionSecret(getConfig().dataDir),
    };
  }
  return processDeps;
}

// The id lands in every log line of the request, so only a plain token of
// sane length is kept; anything else is dropped rather than escaped.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** One context per HTTP request, for the fetch adapter. */
export async function createContext(
  { req, resHeaders }: { req: Request; resHeaders?: Headers },
  deps: ContextDeps = getContextDeps(),
): Promise<Context> {
  const header = req.headers.get('x-request-id');
  const requestId = header !== null && REQUEST_ID.test(header) ? header : null;
  const log = requestId === null ? deps.log : deps.log.child({ requestId });
  const caller = await authenticate(req.headers, { ...deps, log });
  const secret = deps.sessionSecret;
  const session: SessionControl | null =
    secret === undefined || resHeaders === undefined
      ? null
      : {
          start: (data) => writeSessionCookie(req, resHeaders, secret, data),
          end: () => writeSessionCookie(req, resHeaders, secret, null),
        };
  return {
    db: deps.db,
    sql: deps.sql,
    caller,
    requestId,
    log,
    dispatch: deps.dispatch,
    remoteAddress: req.headers.get(PEER_HEADER) || null,
    trustedOrigin: checkOrigin(req),
    session,
  };
}
