import { type Db, type Sql, getDatabase } from '../../db/client';
import type { Caller } from '../auth/caller';
import { type AuthenticateDeps, authenticate } from '../auth/authenticate';
import { getConfig } from '../config';
import { getRegistry } from '../dispatch/default-registry';
import type { DispatchRoutes } from '../dispatch/registry';
import { type Logger, getLogger } from '../logger';

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
};

/** What every context is built from; tests pass their own. */
export type ContextDeps = AuthenticateDeps & {
  db: Db;
  sql: Sql;
  log: Logger;
  dispatch: DispatchRoutes;
};

let processDeps: ContextDeps | undefined;

/** This process's pool, logger and admin token, gathered on first use. */
export function getContextDeps(): ContextDeps {
  if (!processDeps) {
    const { db, sql } = getDatabase();
    processDeps = {
      db,
      sql,
      log: getLogger().child({ route: 'trpc' }),
      adminToken: getConfig().adminToken,
      dispatch: getRegistry().routes,
    };
  }
  return processDeps;
}

// The id lands in every log line of the request, so only a plain token of
// sane length is kept; anything else is dropped rather than escaped.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** One context per HTTP request, for the fetch adapter. */
export async function createContext(
  { req }: { req: Request },
  deps: ContextDeps = getContextDeps(),
): Promise<Context> {
  const header = req.headers.get('x-request-id');
  const requestId = header !== null && REQUEST_ID.test(header) ? header : null;
  const caller = await authenticate(req.headers, deps);
  return {
    db: deps.db,
    sql: deps.sql,
    caller,
    requestId,
    log: requestId === null ? deps.log : deps.log.child({ requestId }),
    dispatch: deps.dispatch,
  };
}
