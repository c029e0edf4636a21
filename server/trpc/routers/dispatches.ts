import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { DISPATCH_STATUSES } from '../../../db/schema';
import { canSeeTenant } from '../../auth/caller';
import { recordAudit } from '../../audit/record-audit';
import { requeueDispatches } from '../../dispatch/requeue-dispatches';
import { listDispatches } from '../../queries/list-dispatches';
import { roleProcedure, router } from '../init';
import {
  byId,
  listInput,
  note,
  opaqueId,
  pageOf,
  search,
} from '../input-schemas';
import { ACTORS, READERS } from '../roles';

export const dispatchesRouter = router({
  list: roleProcedure(...READERS)
    .meta({
      description:
        'Handler runs newest first, by tenant, status, handler or event.',
    })
    .input(
      listInput({
        tenantId: opaqueId.optional(),
        branchId: opaqueId.optional(),
        status: z.enum(DISPATCH_STATUSES).optional(),
        handler: z.string().max(128).optional(),
        eventId: z.uuid().optional(),
        search,
      }),
    )
    .query(({ ctx, input }) => {
      const { cursor, limit, order, ...filters } = input;
      return listDispatches(
        ctx.sql,
        ctx.caller,
        filters,
        pageOf({ cursor, limit, order }),
      );
    }),

  retry: roleProcedure(...ACTORS)
    .meta({ description: 'Run a failed or dead dispatch again.' })
    .input(byId.extend({ note: note.optional() }))
    .mutation(async ({ ctx, input }) => {
      const [row] = await ctx.sql<{ tenantId: string; status: string }[]>`
        select tenant_id as "tenantId", status from dispatches where id = ${input.id}
      `;
      if (!row || !canSeeTenant(ctx.caller, row.tenantId)) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no dispatch ${input.id}`,
        });
      }
      if (row.status !== 'failed' && row.status !== 'dead') {
        throw new TRPCError({
          code: 'CONFLICT',
          message:
            `dispatch ${input.id} is ${row.status}; only a failed or dead one is retried ` +
            `(use events.replay to run a succeeded one again)`,
        });
      }
      const result = await requeueDispatches(
        ctx.sql,
        { dispatchId: input.id },
        // The entry commits with the requeue, or neither does.
        (tx, requeued) =>
          recordAudit(tx, {
            actor: ctx.caller,
            action: 'dispatch.retry',
            target: { type: 'dispatch', id: input.id },
            tenantId: row.tenantId,
            note: input.note ?? null,
            detail: { previousStatus: row.status, ...requeued },
          }),
      );
      ctx.log.info(
        { dispatchId: input.id, by: ctx.caller.id },
        'dispatch retried',
      );
      return result;
    }),
});
