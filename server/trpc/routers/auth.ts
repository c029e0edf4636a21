import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import type { Caller } from '../../auth/caller';
import { checkPassword } from '../../auth/password';
import { setOperatorPassword } from '../../auth/set-operator-password';
import { signIn } from '../../auth/sign-in';
import { recordAudit } from '../../audit/record-audit';
import { publicProcedure, roleProcedure, router } from '../init';
import { password } from '../input-schemas';
import { READERS } from '../roles';

/** What the console shows of who is signed in. */
function describe(caller: Caller) {
  const { kind, id, name, role, tenants } = caller;
  return { kind, id, name, role, tenants };
}

const SIGN_IN_OFF =
  'console sign-in is off: SESSION_SECRET is not set (with DATABASE_URL it must be ' +
  'set on every instance); bearer tokens still work';

export const authRouter = router({
  signIn: publicProcedure
    .meta({
      policy: 'public',
      description: 'Sign an operator in; sets the session cookie.',
    })
    .input(
      z
        .object({
          username: z.string().max(256),
          password: z.string().max(1024),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      if (ctx.session === null) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: SIGN_IN_OFF,
        });
      }
      const signedIn = await signIn(ctx.sql, {
        ...input,
        remoteAddress: ctx.remoteAddress,
      });
      if (signedIn === null) {
        // One answer for every failure: an unknown, disabled or mistyped
        // username must not be told apart from a wrong password.
        throw new TRPCError({
          code: 'UNAUTHORIZED',
          message: 'Wrong username or password.',
        });
      }
      await ctx.session.start({
        operatorId: signedIn.caller.id,
        version: signedIn.sessionVersion,
      });
      ctx.log.info({ operatorId: signedIn.caller.id }, 'operator signed in');
      return describe(signedIn.caller);
    }),

  signOut: publicProcedure
    .meta({
      policy: 'public',
      description: "Clear the session cookie and end the operator's sessions.",
    })
    .input(z.object({}).strict().optional())
    .mutation(async ({ ctx }) => {
      const { caller } = ctx;
      // Open to anyone: a browser whose operator was disabled must still be
      // able to drop its cookie, which page scripts cannot read or clear.
      if (caller?.kind === 'operator') {
        await ctx.sql.begin(async (tx) => {
          await tx`
            update operators set session_version = session_version + 1 where id = ${caller.id}
          `;
          await recordAudit(tx, {
            actor: caller,
            action: 'auth.sign_out',
            target: { type: 'operator', id: caller.id },
            tenantId: null,
            detail: { remoteAddress: ctx.remoteAddress },
          });
        });
      }
      await ctx.session?.end();
      return { signedOut: caller?.kind === 'operator' };
    }),

  me: roleProcedure(...READERS)
    .meta({
      description: 'The signed-in operator or the token in use, and its reach.',
    })
    .input(z.object({}).strict().optional())
    .query(({ ctx }) => describe(ctx.caller)),

  changePassword: roleProcedure(...READERS)
    .meta({
      description:
        "A signed-in operator's own new password; other sessions end.",
    })
    .input(
      z
        .object({
          currentPassword: z.string().max(1024),
          newPassword: password,
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      const { caller } = ctx;
      if (caller.kind !== 'operator') {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message:
            `only a signed-in operator has a password; ` +
            `caller ${caller.id} is a ${caller.kind}`,
        });
      }
      const [row] = await ctx.sql<{ passwordHash: string }[]>`
        select password_hash as "passwordHash" from operators where id = ${caller.id}
      `;
      if (
        !(await checkPassword(input.currentPassword, row?.passwordHash ?? null))
      ) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: 'The current password is wrong.',
        });
      }
      const changed = await setOperatorPassword(
        ctx.sql,
        caller.id,
        input.newPassword,
        caller,
        'auth.change_password',
      );
      if (!changed.ok)
        throw new TRPCError({ code: 'NOT_FOUND', message: 'operator is gone' });
      // This browser stays signed in; every other session has just ended.
      await ctx.session?.start({
        operatorId: caller.id,
        version: changed.sessionVersion,
      });
      return { changed: true };
    }),
});
