import { z } from 'zod';

import { authedProcedure, router } from '../init';

export const systemRouter = router({
  /** Who the gateway takes the caller to be: a first check for a token. */
  whoami: authedProcedure
    .meta({ description: 'The authenticated caller and what it may see.' })
    .input(z.object({}).strict().optional())
    .query(({ ctx }) => {
      const { id, name, role, tenants } = ctx.caller;
      return { id, name, role, tenants };
    }),
});
