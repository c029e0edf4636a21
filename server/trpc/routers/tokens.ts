import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { issueToken } from '../../auth/issue-token';
import { revokeToken } from '../../auth/revoke-token';
import { listTokens } from '../../queries/list-tokens';
import { roleProcedure, router } from '../init';
import { byId, listInput, note, pageOf, role, tenants } from '../input-schemas';
import { requireAllTenants } from '../roles';

const createInput = z
  .object({
    name: z.string().trim().min(1).max(128),
    role,
    tenants,
  })
  .strict()
  .refine((input) => input.role !== 'admin' || input.tenants === 'all', {
    path: ['tenants'],
    message: "an admin token is over every tenant: pass 'all'",
  });

export const tokensRouter = router({
  create: roleProcedure('admin')
    .meta({
      description:
        'Issue an API token; the answer is the only time it is shown.',
    })
    .input(createInput)
    .mutation(async ({ ctx, input, path }) => {
      requireAllTenants(ctx.caller, path);
      const issued = await issueToken(ctx.sql, input, ctx.caller);
      ctx.log.info(
        { tokenId: issued.view.id, by: ctx.caller.id },
        'API token issued',
      );
      return { ...issued.view, token: issued.token };
    }),

  list: roleProcedure('admin')
    .meta({ description: 'API tokens newest first, without their secrets.' })
    .input(
      listInput({
        revoked: z.boolean().optional(),
        search: z.string().trim().min(1).max(128).optional(),
      }),
    )
    .query(({ ctx, input, path }) => {
      requireAllTenants(ctx.caller, path);
      const { cursor, limit, order, revoked, search } = input;
      return listTokens(
        ctx.sql,
        { revoked, search },
        pageOf({ cursor, limit, order }),
      );
    }),

  revoke: roleProcedure('admin')
    .meta({ description: 'Revoke an API token; its next call is refused.' })
    .input(byId.extend({ note: note.optional() }))
    .mutation(async ({ ctx, input, path }) => {
      requireAllTenants(ctx.caller, path);
      const result = await revokeToken(
        ctx.sql,
        input.id,
        ctx.caller,
        input.note ?? null,
      );
      if (!result.ok && result.reason === 'not_found') {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no API token ${input.id}`,
        });
      }
      if (!result.ok) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: `API token ${input.id} was revoked already, at ${result.at}`,
        });
      }
      ctx.log.info(
        { tokenId: input.id, by: ctx.caller.id },
        'API token revoked',
      );
      return result.value;
    }),
});
