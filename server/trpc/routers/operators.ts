import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { createOperator } from '../../auth/create-operator';
import { normalizeUsername, USERNAME } from '../../auth/operator-view';
import { setOperatorPassword } from '../../auth/set-operator-password';
import { updateOperator } from '../../auth/update-operator';
import { listOperators } from '../../queries/list-operators';
import { roleProcedure, router } from '../init';
import {
  byId,
  listInput,
  pageOf,
  password,
  role,
  tenants,
} from '../input-schemas';
import { requireAllTenants } from '../roles';

const username = z
  .string()
  .transform(normalizeUsername)
  .pipe(
    z.string().regex(USERNAME, 'must be 3 to 64 characters of a-z 0-9 . _ -'),
  );

const adminOverAll = {
  check: (input: { role?: string; tenants?: unknown }) =>
    input.role !== 'admin' ||
    input.tenants === undefined ||
    input.tenants === 'all',
  issue: {
    path: ['tenants'],
    message: "an admin is over every tenant: pass 'all'",
  },
};

const UPDATE_REFUSALS = {
  admin_needs_all_tenants:
    'an admin is over every tenant: pass tenants "all" with it',
  own_account: 'you cannot disable yourself or change your own role',
} as const;

export const operatorsRouter = router({
  list: roleProcedure('admin')
    .meta({ description: 'Console operators newest first.' })
    .input(
      listInput({
        disabled: z.boolean().optional(),
        search: z.string().trim().min(1).max(64).optional(),
      }),
    )
    .query(({ ctx, input, path }) => {
      requireAllTenants(ctx.caller, path);
      const { cursor, limit, order, disabled, search } = input;
      return listOperators(
        ctx.sql,
        { disabled, search },
        pageOf({ cursor, limit, order }),
      );
    }),

  create: roleProcedure('admin')
    .meta({ description: 'Add a console operator with a role and tenants.' })
    .input(
      z
        .object({ username, password, role, tenants })
        .strict()
        .refine(adminOverAll.check, adminOverAll.issue),
    )
    .mutation(async ({ ctx, input, path }) => {
      requireAllTenants(ctx.caller, path);
      const created = await createOperator(ctx.sql, input, ctx.caller);
      if (!created.ok) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: `an operator named ${input.username} exists already`,
        });
      }
      ctx.log.info(
        { operatorId: created.value.id, by: ctx.caller.id },
        'operator created',
      );
      return created.value;
    }),

  update: roleProcedure('admin')
    .meta({
      description: "Change an operator's role or tenants, or disable them.",
    })
    .input(
      byId
        .extend({
          role: role.optional(),
          tenants: tenants.optional(),
          disabled: z.boolean().optional(),
        })
        .refine(adminOverAll.check, adminOverAll.issue),
    )
    .mutation(async ({ ctx, input, path }) => {
      requireAllTenants(ctx.caller, path);
      const { id, ...changes } = input;
      const updated = await updateOperator(ctx.sql, id, changes, ctx.caller);
      if (!updated.ok) {
        if (updated.reason === 'not_found') {
          throw new TRPCError({
            code: 'NOT_FOUND',
            message: `no operator ${id}`,
          });
        }
        throw new TRPCError({
          code: 'CONFLICT',
          message: UPDATE_REFUSALS[updated.reason],
        });
      }
      ctx.log.info({ operatorId: id, by: ctx.caller.id }, 'operator updated');
      return updated.value;
    }),

  setPassword: roleProcedure('admin')
    .meta({ description: "Set an operator's password; their sessions end." })
    .input(byId.extend({ password }))
    .mutation(async ({ ctx, input, path }) => {
      requireAllTenants(ctx.caller, path);
      const result = await setOperatorPassword(
        ctx.sql,
        input.id,
        input.password,
        ctx.caller,
      );
      if (!result.ok) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no operator ${input.id}`,
        });
      }
      ctx.log.info(
        { operatorId: input.id, by: ctx.caller.id },
        'operator password set',
      );
      return { id: input.id };
    }),
});
