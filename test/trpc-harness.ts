import pino from 'pino';

import { type Sql, createDb } from '../db/client';
import type { Caller } from '../server/auth/caller';
import {
  createRegistry,
  DEFAULT_HANDLERS,
  type DispatchRoutes,
} from '../server/dispatch/registry';
import type { Logger } from '../server/logger';
import type { Context } from '../server/trpc/context';
import { handleTrpcRequest } from '../server/trpc/handle-request';
import { createCallerFactory } from '../server/trpc/init';
import { appRouter } from '../server/trpc/root';

/** The admin token the HTTP helper configures unless told otherwise. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** The session secret the HTTP helper configures unless told otherwise. */
export const TEST_SESSION_SECRET =
  'test-session-secret-0123456789abcdef-0123456789';

export const ADMIN: Caller = {
  kind: 'environment',
  id: 'environment-admin',
  name: 'environment admin',
  role: 'admin',
  tenants: 'all',
};

/** A stored-token caller of `role` over `tenants`, for in-process calls. */
export function tokenCaller(
  role: Caller['role'],
  tenants: Caller['tenants'],
  id = `tok_${role}_${tenants === 'all' ? 'all' : tenants.join('_')}`,
): Caller {
  return { kind: 'token', id, name: `${role} token`, role, tenants };
}

const silent = pino({ level: 'silent' });

/**
 * A context as a request would build it, for the given caller. In-process
 * calls are not cross-site requests, so `trustedOrigin` is true, and there
 * is no HTTP response to carry a session cookie.
 */
export function testContext(
  caller: Caller | null,
  sql: Sql,
  log: Logger = silent,
  dispatch: DispatchRoutes = DEFAULT_ROUTES,
  overrides: Partial<Context> = {},
): Context {
  return {
    db: createDb(sql),
    sql,
    caller,
    requestId: null,
    log,
    dispatch,
    remoteAddress: null,
    trustedOrigin: true,
    session: null,
    ...overrides,
  };
}

const DEFAULT_ROUTES = createRegistry(DEFAULT_HANDLERS, 3).routes;

/** The app router called in-process as `caller`, skipping HTTP. */
export function callerFor(
  caller: Caller | null,
  sql: Sql,
  dispatch?: DispatchRoutes,
) {
  return createCallerFactory(appRouter)(
    testContext(caller, sql, silent, dispatch),
  );
}

export type TrpcHttpOptions = {
  sql: Sql;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  /** A whole Authorization header, for testing how it is parsed. */
  authorization?: string;
  method?: 'GET' | 'POST';
  /** The configured admin token; null for a gateway without one. */
  adminToken?: string | null;
  /** The configured session secret; null for a gateway without one. */
  sessionSecret?: string | null;
  /** More request headers: `cookie`, `origin`, `x-gateway-csrf`, … */
  headers?: Record<string, string>;
  log?: Logger;
};

/**
 * Sends one call through the same fetch handler the Next route uses. A GET
 * carries its input as URL-encoded JSON in `?input=`, a POST in its body.
 */
export async function trpcHttp(
  path: string,
  input: unknown,
  options: TrpcHttpOptions,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const method = options.method ?? 'GET';
  const url = new URL(`http://127.0.0.1/api/trpc/${path}`);
  if (method === 'GET' && input !== undefined) {
    url.searchParams.set('input', JSON.stringify(input));
  }
  const headers = new Headers(options.headers);
  const authorization =
    options.authorization ??
    (options.token === undefined ? undefined : `Bearer ${options.token}`);
  if (authorization !== undefined) headers.set('authorization', authorization);
  let body: string | undefined;
  if (method === 'POST' && input !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(input);
  }
  const request = new Request(url, { method, headers, body });
  const response = await handleTrpcRequest(request, {
    sql: options.sql,
    db: createDb(options.sql),
    log: options.log ?? silent,
    dispatch: DEFAULT_ROUTES,
    adminToken:
      options.adminToken === null
        ? undefined
        : (options.adminToken ?? TEST_ADMIN_TOKEN),
    sessionSecret:
      options.sessionSecret === null
        ? undefined
        : (options.sessionSecret ?? TEST_SESSION_SECRET),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}
