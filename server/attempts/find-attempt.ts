import type { Sql } from '../../db/client';
import type { PaymentPurpose } from '../dispatch/types';
import { formatMinor } from '../money/format-minor';

export type AttemptState =
  'awaiting' | 'confirmed' | 'mismatched' | 'superseded' | 'expired';

export type AttemptView = {
  id: string;
  md5: string;
  state: AttemptState;
  tenantId: string;
  branchId: string | null;
  purpose: PaymentPurpose;
  targetRef: string;
  attemptRef: string | null;
  /** Major units as text: `25000` riel, `4.50` dollars. */
  amount: string;
  amountMinor: string;
  currency: 'KHR' | 'USD';
  receiverAccountId: string;
  issuedAt: string;
  expiresAt: string | null;
  createdAt: string;
  /** The target's one confirmation, whichever attempt paid it. */
  confirmation: {
    id: string;
    attemptId: string;
    eventId: string;
    amount: string;
    currency: string;
    paidAt: string;
    confirmedAt: string;
  } | null;
};

type Row = Omit<AttemptView, 'amount' | 'confirmation' | 'state'> & {
  confirmed: boolean;
  mismatched: boolean;
  superseded: boolean;
  expired: boolean;
  confirmation:
    | (Omit<NonNullable<AttemptView['confirmation']>, 'amount'> & {
        amountMinor: string;
      })
    | null;
};

/**
 * An attempt and what became of it, for a cashier's screen that polls by
 * md5. The state says what this QR's payment did: confirmed the target,
 * did not match, lost to a newer QR, ran out of time, or is still awaited.
 */
export async function findAttemptByMd5(
  sql: Sql,
  md5: string,
): Promise<AttemptView | null> {
  const [row] = await sql<Row[]>`
    select
      a.id, a.md5, a.tenant_id as "tenantId", a.branch_id as "branchId", a.purpose,
      a.target_ref as "targetRef", a.attempt_ref as "attemptRef",
      a.amount_minor::text as "amountMinor", a.currency,
      a.receiver_account_id as "receiverAccountId",
      to_json(a.issued_at) #>> '{}' as "issuedAt",
      to_json(a.expires_at) #>> '{}' as "expiresAt",
      to_json(a.created_at) #>> '{}' as "createdAt",
      coalesce(c.attempt_id = a.id, false) as confirmed,
      exists (
        select 1 from anomalies x join events e on e.id = x.event_id
        where e.attempt_id = a.id
          and x.kind in ('amount_mismatch', 'currency_mismatch', 'receiver_mismatch')
      ) as mismatched,
      (c.id is not null and c.attempt_id <> a.id) or exists (
        select 1 from payment_attempts n
        where n.tenant_id = a.tenant_id and n.purpose = a.purpose
          and n.target_ref = a.target_ref and n.issued_at > a.issued_at
      ) as superseded,
      coalesce(a.expires_at < now(), false) as expired,
      case when c.id is null then null else json_build_object(
        'id', c.id, 'attemptId', c.attempt_id, 'eventId', c.event_id,
        'amountMinor', c.amount_minor::text, 'currency', c.currency,
        'paidAt', c.paid_at, 'confirmedAt', c.created_at
      ) end as confirmation
    from payment_attempts a
    left join confirmations c
      on c.tenant_id = a.tenant_id and c.purpose = a.purpose and c.target_ref = a.target_ref
    where a.md5 = ${md5}
  `;
  if (!row) return null;
  const {
    confirmed,
    mismatched,
    superseded,
    expired,
    confirmation,
    ...attempt
  } = row;
  const state: AttemptState = confirmed
    ? 'confirmed'
    : mismatched
      ? 'mismatched'
      : superseded
        ? 'superseded'
        : expired
          ? 'expired'
          : 'awaiting';
  return {
    ...attempt,
    state,
    amount: formatMinor(attempt.amountMinor, attempt.currency),
    confirmation: confirmation && {
      id: confirmation.id,
      attemptId: confirmation.attemptId,
      eventId: confirmation.eventId,
      amount: formatMinor(confirmation.amountMinor, confirmation.currency),
      currency: confirmation.currency,
      paidAt: confirmation.paidAt,
      confirmedAt: confirmation.confirmedAt,
    },
  };
}
