import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { DELIVERY_OUTCOMES } from '../../../db/schema';
import { findDelivery } from '../../queries/find-delivery';
import { listDeliveries } from '../../queries/list-deliveries';
import { reprocessDelivery } from '../../queries/reprocess-delivery';
import { roleProcedure, router } from '../init';
import { byId, listInput, opaqueId, pageOf, search } from '../input-schemas';
import { ACTORS, READERS } from '../roles';

const REFUSALS = {
  never_verified:
    'was never verified (rejected, or kept only in part), so its body is not trusted; ' +
    'only a verified delivery is reprocessed',
  unknown_provider: 'comes from a provider the gateway has no parser for',
} as const;

export const deliveriesRouter = router({
  list: roleProcedure(...READERS)
    .meta({
      description:
        'Deliveries newest first, by tenant, outcome, time or search.',
    })
    .input(
      listInput({
        tenantId: opaqueId.optional(),
        branchId: opaqueId.optional(),
        provider: z.string().max(32).optional(),
        outcome: z.enum(DELIVERY_OUTCOMES).optional(),
        reason: z.string().max(64).optional(),
        eventId: z.uuid().optional(),
        search,
      }),
    )
    .query(({ ctx, input }) => {
      const { cursor, limit, order, ...filters } = input;
      return listDeliveries(
        ctx.sql,
        ctx.caller,
        filters,
        pageOf({ cursor, limit, order }),
      );
    }),

  byId: roleProcedure(...READERS)
    .meta({
      description: 'One delivery with its headers, body, event and anomalies.',
    })
    .input(byId)
    .query(async ({ ctx, input }) => {
      const delivery = await findDelivery(ctx.sql, ctx.caller, input.id);
      if (!delivery) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no delivery ${input.id}`,
        });
      }
      return delivery;
    }),

  reprocess: roleProcedure(...ACTORS)
    .meta({
      description: "Run a verified delivery through today's parser again.",
    })
    .input(byId)
    .mutation(async ({ ctx, input }) => {
      const result = await reprocessDelivery(ctx.sql, {
        id: input.id,
        caller: ctx.caller,
        dispatch: ctx.dispatch,
        requestId: ctx.requestId,
      });
      if (!result.ok) {
        if (result.reason === 'not_found') {
          throw new TRPCError({
            code: 'NOT_FOUND',
            message: `no delivery ${input.id}`,
          });
        }
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `delivery ${input.id} ${REFUSALS[result.reason]}`,
        });
      }
      const { deliveryId, eventId, outcome, reason } = result.value;
      const by = ctx.caller.id;
      ctx.log.info(
        {
          deliveryId: input.id,
          newDeliveryId: deliveryId,
          eventId,
          outcome,
          reason,
          by,
        },
        `delivery reprocessed: ${outcome}`,
      );
      return result.value;
    }),
});
