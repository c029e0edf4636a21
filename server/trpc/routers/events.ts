import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { canSeeTenant } from '../../auth/caller';
import { recordAudit } from '../../audit/record-audit';
import { requeueDispatches } from '../../dispatch/requeue-dispatches';
import { findEvent } from '../../queries/find-event';
import { listEvents } from '../../queries/list-events';
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

export const eventsRouter = router({
  list: roleProcedure(...READERS)
    .meta({
      description: 'Normalized events newest first, by tenant, time or search.',
    })
    .input(
      listInput({
        tenantId: opaqueId.optional(),
        branchId: opaqueId.optional(),
        provider: z.string().max(32).optional(),
        kind: z.string().max(64).optional(),
        resolved: z.boolean().optional(),
        search,
      }),
    )
    .query(({ ctx, input }) => {
      const { cursor, limit, order, ...filters } = input;
      return listEvents(
        ctx.sql,
        ctx.caller,
        filters,
        pageOf({ cursor, limit, order }),
      );
    }),

  byId: roleProcedure(...READERS)
    .meta({
      description:
        'One event with its deliveries, dispatches, anomalies, attempt.',
    })
    .input(byId)
    .query(async ({ ctx, input }) => {
      const event = await findEvent(ctx.sql, ctx.caller, input.id);
      if (!event)
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no event ${input.id}`,
        });
      return event;
    }),

  replay: roleProcedure(...ACTORS)
    .meta({
      description:
        'Run every dispatch of an event again; handlers are idempotent.',
    })
    .input(byId.extend({ note: note.optional() }))
    .mutation(async ({ ctx, input }) => {
      const [row] = await ctx.sql<{ tenantId: string | null }[]>`
        select tenant_id as "tenantId" from events where id = ${input.id}
      `;
      if (!row || !canSeeTenant(ctx.caller, row.tenantId)) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no event ${input.id}`,
        });
      }
      if (row.tenantId === null) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message:
            `event ${input.id} has no payment attempt yet, so no handler owns it; ` +
            `it is dispatched when its attempt is registered`,
        });
      }
      const result = await requeueDispatches(
        ctx.sql,
        { eventId: input.id },
        // The entry commits with the requeue, or neither does.
        (tx, requeued) =>
          recordAudit(tx, {
            actor: ctx.caller,
            action: 'event.replay',
            target: { type: 'event', id: input.id },
            tenantId: row.tenantId,
            note: input.note ?? null,
            detail: requeued,
          }),
      );
      ctx.log.info({ eventId: input.id, by: ctx.caller.id }, 'event replayed');
      return result;
    }),
});
