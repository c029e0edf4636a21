import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { canSeeTenant } from '../../auth/caller';
import { requeueDispatches } from '../../dispatch/requeue-dispatches';
import { roleProcedure, router } from '../init';

export const dispatchesRouter = router({
  retry: roleProcedure('admin', 'operator')
    .meta({ description: 'Run a failed or dead dispatch again.' })
    .input(z.object({ id: z.uuid() }).strict())
    .mutation(async ({ ctx, input }) => {
      const [row] = await ctx.sql<{ tenantId: string; status: string }[]>`
        select tenant_id as "tenantId", status from dispatches where id = ${input.id}
      `;
      if (!row || !canSeeTenant(ctx.caller, row.tenantId)) {
        throw new TRPCError({ code: 'NOT_FOUND', message: `no dispatch ${input.id}` });
      }
      if (row.status !== 'failed' && row.status !== 'dead') {
        throw new TRPCError({
          code: 'CONFLICT',
          message:
            `dispatch ${input.id} is ${row.status}; only a failed or dead one is retried ` +
            `(use events.replay to run a succeeded one again)`,
        });
      }
      const result = await requeueDispatches(ctx.sql, { dispatchId: input.id });
      ctx.log.info({ dispatchId: input.id, by: ctx.caller.id }, 'dispatch retried');
      return result;
    }),
});
