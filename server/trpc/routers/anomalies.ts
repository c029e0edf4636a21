import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { ANOMALY_KINDS, ANOMALY_STATUSES } from '../../../db/schema';
import type { Caller } from '../../auth/caller';
import {
  type AnomalyChange,
  type AnomalyChangeResult,
  changeAnomalyStatus,
} from '../../queries/change-anomaly-status';
import { findAnomaly } from '../../queries/find-anomaly';
import { listAnomalies } from '../../queries/list-anomalies';
import { roleProcedure, router } from '../init';
import {
  byId,
  listInput,
  note,
  opaqueId,
  pageOf,
  search,
} from '../input-schemas';
import type { Context } from '../context';
import { ACTORS, READERS } from '../roles';

/** Runs one status change and answers its refusals with their codes. */
async function change(
  ctx: Context & { caller: Caller },
  id: string,
  requested: AnomalyChange,
) {
  const result: AnomalyChangeResult = await changeAnomalyStatus(
    ctx.sql,
    ctx.caller,
    id,
    requested,
  );
  if (result.ok) {
    ctx.log.info(
      { anomalyId: id, by: ctx.caller.id, kind: result.value.kind },
      `anomaly ${result.value.status}`,
    );
    return result.value;
  }
  if (result.reason === 'not_found') {
    throw new TRPCError({ code: 'NOT_FOUND', message: `no anomaly ${id}` });
  }
  const who = result.by === null ? '' : ` by ${result.by}`;
  const when = result.at === null ? '' : ` at ${result.at}`;
  throw new TRPCError({
    code: 'CONFLICT',
    message: `anomaly ${id} is already ${result.status}${who}${when}`,
  });
}

export const anomaliesRouter = router({
  list: roleProcedure(...READERS)
    .meta({
      description: 'The anomaly queue newest first, by tenant, kind or status.',
    })
    .input(
      listInput({
        tenantId: opaqueId.optional(),
        branchId: opaqueId.optional(),
        kind: z.enum(ANOMALY_KINDS).optional(),
        status: z.enum(ANOMALY_STATUSES).optional(),
        eventId: z.uuid().optional(),
        deliveryId: z.uuid().optional(),
        search,
      }),
    )
    .query(({ ctx, input }) => {
      const { cursor, limit, order, ...filters } = input;
      return listAnomalies(
        ctx.sql,
        ctx.caller,
        filters,
        pageOf({ cursor, limit, order }),
      );
    }),

  byId: roleProcedure(...READERS)
    .meta({ description: 'One anomaly.' })
    .input(byId)
    .query(async ({ ctx, input }) => {
      const anomaly = await findAnomaly(ctx.sql, ctx.caller, input.id);
      if (!anomaly) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no anomaly ${input.id}`,
        });
      }
      return anomaly;
    }),

  acknowledge: roleProcedure(...ACTORS)
    .meta({ description: 'Mark an open anomaly as being looked at.' })
    .input(byId.extend({ note: note.optional() }))
    .mutation(({ ctx, input }) =>
      change(ctx, input.id, {
        action: 'acknowledge',
        note: input.note ?? null,
      }),
    ),

  resolve: roleProcedure(...ACTORS)
    .meta({ description: 'Close an open or acknowledged anomaly, saying how.' })
    .input(byId.extend({ note }))
    .mutation(({ ctx, input }) =>
      change(ctx, input.id, { action: 'resolve', note: input.note }),
    ),
});
