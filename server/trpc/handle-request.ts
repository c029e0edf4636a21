import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

import { getLogger } from '../logger';
import { type ContextDeps, createContext, getContextDeps } from './context';
import { isLoggedError } from './init';
import { appRouter } from './root';

export const TRPC_ENDPOINT = '/api/trpc';

/**
 * Answers one tRPC request. The Next route and the tests both call this, so
 * tests exercise the same adapter settings the gateway serves with. Without
 * `deps` it uses the process's pool, logger and configuration.
 */
export function handleTrpcRequest(
  request: Request,
  deps?: ContextDeps,
): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: ({ req, resHeaders }) =>
      createContext({ req, resHeaders }, deps ?? getContextDeps()),
    onError({ error, path, type }) {
      // A procedure's own outcome is already logged by its call line; this
      // catches the rest: an unknown path, a malformed request, a context
      // that could not be built (database or configuration down).
      if (isLoggedError(error)) return;
      const log = deps?.log ?? getLogger().child({ route: 'trpc' });
      const line = { path: path ?? null, type, ok: false, code: error.code };
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        const err = error.cause ?? error;
        log.error({ ...line, err }, 'tRPC request failed before any procedure');
      } else {
        log.info(line, `tRPC request refused with ${error.code}`);
      }
    },
  });
}
