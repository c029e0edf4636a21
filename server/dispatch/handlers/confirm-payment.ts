import { raiseAnomaly } from '../raise-anomaly';
import type { ExpectedAttempt, HandlerInput, HandlerOutcome } from '../types';

type Mismatch = { kind: string; expected: string; received: string };

/**
 * The comparison both pilot handlers make: the provider's proof against the
 * attempt. A payment that does not match is never a confirmation; one that
 * matches confirms its target at most once, even when it paid an older or
 * an expired QR, because the money is there; ops are told either way.
 */
export async function confirmPayment(
  input: HandlerInput,
): Promise<HandlerOutcome> {
  const { event, attempt, tx } = input;
  const flag = (kind: string, detail: Record<string, unknown>) =>
    raiseAnomaly(tx, {
      kind,
      tenantId: attempt.tenantId,
      branchId: attempt.branchId,
      eventId: event.id,
      subject: event.id,
      detail: {
        ...detail,
        targetRef: attempt.targetRef,
        purpose: attempt.purpose,
      },
    });

  const mismatches = compare(input);
  if (mismatches.length > 0) {
    for (const { kind, expected, received } of mismatches) {
      await flag(kind, { expected, received });
    }
    return { result: 'mismatch', anomalies: mismatches.map((m) => m.kind) };
  }

  // Pairs with register_payment_attempt's target lock (the supersession
  // migration): either it sees this confirmation or this sees its attempt.
  await tx`
    select pg_advisory_xact_lock(hashtextextended(
      ${`target:${attempt.tenantId}/${attempt.purpose}/${attempt.targetRef}`}, 0))
  `;
  const [inserted] = await tx<{ id: string }[]>`
    insert into confirmations (
      tenant_id, branch_id, purpose, target_ref, attempt_id, event_id,
      amount_minor, currency, paid_at
    ) values (
      ${attempt.tenantId}, ${attempt.branchId}, ${attempt.purpose}, ${attempt.targetRef},
      ${attempt.id}, ${event.id}, ${event.amountMinor}, ${event.currency}, ${event.occurredAt}
    )
    on conflict (tenant_id, purpose, target_ref) do nothing
    returning id
  `;
  if (!inserted) {
    const [existing] = await tx<{ id: string; eventId: string }[]>`
      select id, event_id as "eventId" from confirmations
      where tenant_id = ${attempt.tenantId} and purpose = ${attempt.purpose}
        and target_ref = ${attempt.targetRef}
    `;
    if (existing?.eventId === event.id) {
      return {
        result: 'already_confirmed',
        confirmationId: existing.id,
        anomalies: [],
      };
    }
    await flag('double_payment', {
      expected: { paidOnceBy: existing?.eventId ?? null },
      received: {
        eventId: event.id,
        hash: event.providerEventId,
        md5: attempt.md5,
      },
    });
    return { result: 'double_payment', anomalies: ['double_payment'] };
  }

  const anomalies: string[] = [];
  const newer = await newerAttempt(input);
  if (newer) {
    await flag('superseded_attempt_paid', {
      expected: { md5: newer.md5, issuedAt: newer.issuedAt },
      received: { md5: attempt.md5, issuedAt: attempt.issuedAt },
    });
    anomalies.push('superseded_attempt_paid');
  }
  if (
    attempt.expiresAt !== null &&
    Date.parse(event.occurredAt) > Date.parse(attempt.expiresAt)
  ) {
    await flag('expired_attempt_paid', {
      expected: { paidBy: attempt.expiresAt },
      received: { paidAt: event.occurredAt },
    });
    anomalies.push('expired_attempt_paid');
  }
  return { result: 'confirmed', confirmationId: inserted.id, anomalies };
}

function compare({ event, attempt }: HandlerInput): Mismatch[] {
  const mismatches: Mismatch[] = [];
  if (event.currency !== attempt.currency) {
    mismatches.push({
      kind: 'currency_mismatch',
      expected: attempt.currency,
      received: event.currency,
    });
  } else if (BigInt(event.amountMinor) !== BigInt(attempt.amountMinor)) {
    // Amounts compare only within one currency: riel against cents means
    // nothing, and the currency anomaly already says what is wrong.
    mismatches.push({
      kind: 'amount_mismatch',
      expected: `${attempt.amountMinor} ${attempt.currency} minor units`,
      received: `${event.amountMinor} ${event.currency} minor units`,
    });
  }
  if (event.receiverAccountId !== attempt.receiverAccountId) {
    mismatches.push({
      kind: 'receiver_mismatch',
      expected: attempt.receiverAccountId,
      received: event.receiverAccountId,
    });
  }
  return mismatches;
}

async function newerAttempt({ attempt, tx }: HandlerInput) {
  const [row] = await tx<Pick<ExpectedAttempt, 'md5' | 'issuedAt'>[]>`
    select md5, issued_at as "issuedAt" from payment_attempts
    where tenant_id = ${attempt.tenantId} and purpose = ${attempt.purpose}
      and target_ref = ${attempt.targetRef} and id <> ${attempt.id}
      and issued_at > ${attempt.issuedAt}::text::timestamptz
    order by issued_at desc
    limit 1
  `;
  return row;
}
