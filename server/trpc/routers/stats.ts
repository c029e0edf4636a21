import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { summarizeActivity } from '../../queries/summarize-activity';
import { roleProcedure, router } from '../init';
import { instant, opaqueId } from '../input-schemas';
import { READERS } from '../roles';

const HOUR_MS = 60 * 60 * 1000;
const DEFAULT_WINDOW_MS = 24 * HOUR_MS;
const MAX_WINDOW_MS = 31 * 24 * HOUR_MS;

const overviewInput = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    tenantId: opaqueId.optional(),
    branchId: opaqueId.optional(),
  })
  .strict()
  .prefault({});

export const statsRouter = router({
  overview: roleProcedure(...READERS)
    .meta({
      description:
        'Counts by outcome, status and kind, and a chart, for a window.',
    })
    .input(overviewInput)
    .query(({ ctx, input }) => {
      const to = input.to === undefined ? new Date() : new Date(input.to);
      const from =
        input.from === undefined
          ? new Date(to.getTime() - DEFAULT_WINDOW_MS)
          : new Date(input.from);
      const span = to.getTime() - from.getTime();
      if (span <= 0 || span > MAX_WINDOW_MS) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message:
            `the window must be more than nothing and at most 31 days; ` +
            `got ${from.toISOString()} to ${to.toISOString()}`,
        });
      }
      const { tenantId, branchId } = input;
      return summarizeActivity(
        ctx.sql,
        ctx.caller,
        { from, to },
        { tenantId, branchId },
      );
    }),
});
