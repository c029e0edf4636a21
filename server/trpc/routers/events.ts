import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { canSeeTenant } from '../../auth/caller';
import { requeueDispatches } from '../../dispatch/requeue-dispatches';
import { roleProcedure, router } from '../init';

export const eventsRouter = router({
  replay: roleProcedure('admin', 'operator')
    .meta({ description: "Run every dispatch of an event again; handlers are idempotent." })
    .input(z.object({ id: z.uuid() }).strict())
    .mutation(async ({ ctx, input }) => {
      const [row] = await ctx.sql<{ tenantId: string | null }[]>`
        select tenant_id as "tenantId" from events where id = ${input.id}
      `;
      if (!row || !canSeeTenant(ctx.caller, row.tenantId)) {
        throw new TRPCError({ code: 'NOT_FOUND', message: `no event ${input.id}` });
      }
      if (row.tenantId === null) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message:
            `event ${input.id} has no payment attempt yet, so no handler owns it; ` +
            `it is dispatched when its attempt is registered`,
        });
      }
      const result = await requeueDispatches(ctx.sql, { eventId: input.id });
      ctx.log.info({ eventId: input.id, by: ctx.caller.id }, 'event replayed');
      return result;
    }),
});
