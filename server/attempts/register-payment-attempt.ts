import type { Sql } from '../../db/client';
import type { DispatchRoutes } from '../dispatch/registry';
import type { PaymentPurpose } from '../dispatch/types';
import { signalDispatchesPending } from '../runtime/dispatch-signal';

export type AttemptRegistration = {
  md5: string;
  tenantId: string;
  branchId: string | null;
  purpose: PaymentPurpose;
  targetRef: string;
  attemptRef: string | null;
  amountMinor: string;
  currency: 'KHR' | 'USD';
  receiverAccountId: string;
  /** Null: the server's clock at registration. */
  issuedAt: string | null;
  expiresAt: string | null;
  registeredBy: string;
};

export type Registered = {
  status: 'registered' | 'unchanged' | 'conflict';
  attemptId: string;
  /** Events that had arrived before the attempt and are now dispatched. */
  resolvedEvents: number;
};

/**
 * One call to `register_payment_attempt`: the insert, the resolution of any
 * payment that arrived first, its dispatch rows and the system's resolution
 * of its unknown-payment anomaly commit together.
 */
export async function registerPaymentAttempt(
  sql: Sql,
  attempt: AttemptRegistration,
  dispatch: DispatchRoutes,
): Promise<Registered> {
  const [row] = await sql<{ registered: Registered }[]>`
    select register_payment_attempt(
      ${JSON.stringify(attempt)}::text::jsonb,
      ${JSON.stringify(dispatch)}::text::jsonb
    ) as registered
  `;
  if (!row) throw new Error('register_payment_attempt returned no row');
  if (row.registered.resolvedEvents > 0) signalDispatchesPending();
  return row.registered;
}
