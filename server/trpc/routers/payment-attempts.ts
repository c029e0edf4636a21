import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { findAttemptByMd5 } from '../../attempts/find-attempt';
import { registerPaymentAttempt } from '../../attempts/register-payment-attempt';
import { canSeeTenant } from '../../auth/caller';
import { parseAmount } from '../../providers/bakong/parse-amount';
import { listPaymentAttempts } from '../../queries/list-payment-attempts';
import { roleProcedure, router } from '../init';
import { listInput, pageOf, search } from '../input-schemas';
import { READERS } from '../roles';

const OPAQUE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const opaqueId = z
  .string()
  .regex(OPAQUE_ID, 'must be 1 to 64 characters of A-Z a-z 0-9 _ -');
const md5 = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits');
const reference = z.string().trim().min(1).max(128);
const instant = z.iso.datetime({ offset: true });

const registerInput = z
  .object({
    md5,
    tenantId: opaqueId,
    branchId: opaqueId.optional(),
    purpose: z.enum(['SALE', 'SUBSCRIPTION_INVOICE']),
    targetRef: reference,
    attemptRef: reference.optional(),
    /** Major units as a decimal string: `25000` riel, `4.50` dollars. */
    amount: z.string(),
    currency: z.enum(['KHR', 'USD']),
    receiverAccountId: z.string().trim().min(1).max(128),
    issuedAt: instant.optional(),
    expiresAt: instant.optional(),
  })
  .strict()
  .transform((input, ctx) => {
    const minor = parseAmount(input.amount, input.currency);
    if (!minor.ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `is not a valid ${input.currency} amount (${minor.reason})`,
      });
      return z.NEVER;
    }
    return { ...input, amountMinor: minor.value };
  });

export const paymentAttemptsRouter = router({
  list: roleProcedure(...READERS)
    .meta({ description: 'Registered payment attempts newest first.' })
    .input(
      listInput({
        tenantId: opaqueId.optional(),
        branchId: opaqueId.optional(),
        purpose: z.enum(['SALE', 'SUBSCRIPTION_INVOICE']).optional(),
        search,
      }),
    )
    .query(({ ctx, input }) => {
      const { cursor, limit, order, ...filters } = input;
      return listPaymentAttempts(
        ctx.sql,
        ctx.caller,
        filters,
        pageOf({ cursor, limit, order }),
      );
    }),

  register: roleProcedure('admin', 'service')
    .meta({
      description: 'Register the KHQR a POS or the billing service shows.',
    })
    .input(registerInput)
    .mutation(async ({ ctx, input }) => {
      if (!canSeeTenant(ctx.caller, input.tenantId)) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `caller ${ctx.caller.id} may not register attempts for tenant ${input.tenantId}`,
        });
      }
      const registered = await registerPaymentAttempt(
        ctx.sql,
        {
          md5: input.md5,
          tenantId: input.tenantId,
          branchId: input.branchId ?? null,
          purpose: input.purpose,
          targetRef: input.targetRef,
          attemptRef: input.attemptRef ?? null,
          amountMinor: input.amountMinor,
          currency: input.currency,
          receiverAccountId: input.receiverAccountId,
          issuedAt: input.issuedAt ?? null,
          expiresAt: input.expiresAt ?? null,
          registeredBy: ctx.caller.id,
        },
        ctx.dispatch,
      );
      if (registered.status === 'conflict') {
        throw new TRPCError({
          code: 'CONFLICT',
          message:
            `md5 ${input.md5} is already registered with other content; ` +
            `a KHQR names one payment, so register a new QR for a change`,
        });
      }
      ctx.log.info(
        { md5: input.md5, tenantId: input.tenantId, ...registered },
        `payment attempt ${registered.status}`,
      );
      const attempt = await findAttemptByMd5(ctx.sql, input.md5);
      return {
        status: registered.status,
        resolvedEvents: registered.resolvedEvents,
        attempt,
      };
    }),

  byMd5: roleProcedure(...READERS)
    .meta({
      description: 'What became of one KHQR: a cashier screen polls this.',
    })
    .input(z.object({ md5 }).strict())
    .query(async ({ ctx, input }) => {
      const attempt = await findAttemptByMd5(ctx.sql, input.md5);
      // Another tenant's attempt is answered exactly like a missing one.
      if (!attempt || !canSeeTenant(ctx.caller, attempt.tenantId)) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no payment attempt with md5 ${input.md5}`,
        });
      }
      return attempt;
    }),
});
