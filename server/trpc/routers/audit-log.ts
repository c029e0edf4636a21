import { z } from 'zod';

import { listAuditEntries } from '../../queries/list-audit-entries';
import { roleProcedure, router } from '../init';
import { listInput, opaqueId, pageOf } from '../input-schemas';
import { ACTORS } from '../roles';

export const auditLogRouter = router({
  // Entries name the staff who acted, so the read-only roles do not get them.
  list: roleProcedure(...ACTORS)
    .meta({ description: 'Who did what to which row, newest first.' })
    .input(
      listInput({
        tenantId: opaqueId.optional(),
        action: z.string().max(64).optional(),
        actorId: z.string().max(128).optional(),
        targetType: z.string().max(64).optional(),
        targetId: z.string().max(128).optional(),
      }),
    )
    .query(({ ctx, input }) => {
      const { cursor, limit, order, ...filters } = input;
      return listAuditEntries(
        ctx.sql,
        ctx.caller,
        filters,
        pageOf({ cursor, limit, order }),
      );
    }),
});
