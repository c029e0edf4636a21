import { TRPCError, initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';

import { type Caller, type Role, ROLES } from '../auth/caller';
import { CSRF_HEADER } from '../auth/check-origin';
import type { Context } from './context';

/**
 * Who may call a procedure: anyone (`'public'`), or a caller holding one of
 * the listed roles. A procedure that declares none is closed to everyone.
 */
export type Policy = 'public' | readonly [Role, ...Role[]];

/** Static facts a procedure declares with `.meta({ … })`. */
export type Meta = {
  /** One line on what the procedure is for, for API listings. */
  description?: string;
  /** Set by publicProcedure's callers, authedProcedure and roleProcedure. */
  policy?: Policy;
};

/** Readable for a person reading the response: `input.limit: Too big…`. */
function describeIssues(error: ZodError): string {
  const issues = error.issues.map(
    (issue) => `${['input', ...issue.path].join('.')}: ${issue.message}`,
  );
  return `Invalid input: ${issues.join('; ')}`;
}

// No transformer: the wire carries plain JSON, so a script in any language
// can call a procedure with an HTTP client and nothing from tRPC.
const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      const production = process.env.NODE_ENV === 'production';
      const { stack, ...data } = shape.data;
      const zod =
        error.code === 'BAD_REQUEST' && error.cause instanceof ZodError
          ? error.cause
          : null;
      let message = shape.message;
      if (zod) message = describeIssues(zod);
      // An internal error's message can quote SQL or a file path; in
      // production the client gets a pointer to the log instead.
      if (production && error.code === 'INTERNAL_SERVER_ERROR') {
        message = 'Internal server error; the gateway log has the cause.';
      }
      return {
        ...shape,
        message,
        data: {
          ...data,
          ...(production || stack === undefined ? {} : { stack }),
          zodError: zod ? z.flattenError(zod) : null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// Errors the call log below has already written, so that the HTTP handler's
// onError skips them and each call leaves exactly one line.
const logged = new WeakSet<TRPCError>();

/** Whether the per-call log line already covers this error. */
export function isLoggedError(error: TRPCError): boolean {
  return logged.has(error);
}

/**
 * One line per call, written when it completes. A client error is `info`,
 * not `debug`, so refused tokens and bad input show at the default level;
 * an internal error is `warn` here and carries its cause.
 */
const logCall = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const fields = {
    path,
    type,
    callerId: ctx.caller?.id ?? null,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
  if (result.ok) {
    ctx.log.debug({ ...fields, ok: true }, `${path} answered`);
    return result;
  }
  const { code } = result.error;
  const line = { ...fields, ok: false, code };
  if (code === 'INTERNAL_SERVER_ERROR') {
    const err = result.error.cause ?? result.error;
    ctx.log.warn({ ...line, err }, `${path} failed with an internal error`);
  } else {
    ctx.log.info(line, `${path} refused with ${code}`);
  }
  logged.add(result.error);
  return result;
});

/**
 * Access is decided here, from the procedure's declared policy, for every
 * procedure: none declared is a refusal, so a procedure someone forgot to
 * guard is closed rather than open. Mutations must also come from a
 * request another site cannot forge (see server/auth/check-origin.ts);
 * that is checked after the caller, so nobody unknown learns more than
 * UNAUTHORIZED.
 */
const enforcePolicy = t.middleware(({ ctx, meta, path, type, next }) => {
  const policy = meta?.policy;
  if (policy === undefined) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `${path} declares no access policy, so no caller may use it.`,
    });
  }
  if (policy !== 'public') {
    const { caller } = ctx;
    if (caller === null) {
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message:
          'Missing or unknown bearer token or session: send `Authorization: Bearer ' +
          '<token>` with the GATEWAY_ADMIN_TOKEN or an issued API token, or sign in.',
      });
    }
    if (!policy.includes(caller.role)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message:
          `${path} needs the role ${policy.join(' or ')}; caller ` +
          `${caller.id} has the role ${caller.role}.`,
      });
    }
  }
  if (type === 'mutation' && !ctx.trustedOrigin) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message:
        `${path} is a change and the request may come from another site: send ` +
        `\`${CSRF_HEADER}: 1\` from the gateway's own origin, or a bearer token.`,
    });
  }
  return next();
});

function hasRole<R extends Role>(
  caller: Caller,
  roles: readonly R[],
): caller is Caller & { role: R } {
  return (roles as readonly Role[]).includes(caller.role);
}

/** Anyone may call, once the procedure says so with `policy: 'public'`. */
export const publicProcedure = t.procedure.use(logCall).use(enforcePolicy);

/**
 * A known caller of any role; `ctx.caller` is non-null after this. The
 * check itself is enforcePolicy's: this only narrows the type.
 */
export const authedProcedure = publicProcedure
  .meta({ policy: ROLES })
  .use(({ ctx, next }) => {
    if (ctx.caller === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { caller: ctx.caller } });
  });

/**
 * A caller holding one of `roles` is required. Roles form no hierarchy: an
 * admin passes only where `'admin'` is listed, so each procedure says
 * exactly who may call it.
 */
export function roleProcedure<R extends Role>(...roles: [R, ...R[]]) {
  return publicProcedure.meta({ policy: roles }).use(({ ctx, next }) => {
    const { caller } = ctx;
    // enforcePolicy has refused anyone else already; this narrows the type.
    if (caller === null || !hasRole(caller, roles)) {
      throw new TRPCError({ code: 'FORBIDDEN' });
    }
    return next({ ctx: { caller } });
  });
}
