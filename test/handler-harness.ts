import { randomBytes, randomUUID } from 'node:crypto';

import type { TransactionSql } from 'postgres';

import type { Sql } from '../db/client';
import type {
  DispatchedEvent,
  ExpectedAttempt,
  HandlerOutcome,
  PaymentHandler,
} from '../server/dispatch/types';

const ROLLBACK = new Error('rolled back on purpose');

/**
 * Runs a handler on an attempt and a payment of its purpose inside a
 * transaction that is rolled back, so a handler's test leaves no rows.
 */
export async function runHandler(
  sql: Sql,
  handler: PaymentHandler,
  setup: {
    attempt?: Partial<ExpectedAttempt>;
    event?: Partial<DispatchedEvent>;
    runs?: number;
  },
  check: (outcomes: HandlerOutcome[], tx: TransactionSql) => Promise<void>,
): Promise<void> {
  const attempt: ExpectedAttempt = {
    id: randomUUID(),
    md5: randomBytes(16).toString('hex'),
    tenantId: 'tenant-a',
    branchId: 'branch-1',
    purpose: handler.purpose,
    targetRef: `target-${randomBytes(4).toString('hex')}`,
    amountMinor: '25000',
    currency: 'KHR',
    receiverAccountId: 'demo_cafe@devb',
    issuedAt: '2026-12-04T08:00:00.000Z',
    expiresAt: null,
    ...setup.attempt,
  };
  const event: DispatchedEvent = {
    id: randomUUID(),
    kind: 'PAYMENT_CONFIRMED',
    providerEventId: randomBytes(32).toString('hex'),
    correlationKey: attempt.md5,
    amountMinor: attempt.amountMinor,
    currency: attempt.currency,
    receiverAccountId: attempt.receiverAccountId,
    payerAccountId: 'abaakhppxxx@abaa',
    occurredAt: '2026-12-04T08:01:00.000Z',
    ...setup.event,
  };
  await sql
    .begin(async (tx) => {
      await tx`
        insert into payment_attempts (id, md5, tenant_id, branch_id, purpose, target_ref,
          amount_minor, currency, receiver_account_id, issued_at, expires_at, registered_by)
        values (${attempt.id}, ${attempt.md5}, ${attempt.tenantId}, ${attempt.branchId},
          ${attempt.purpose}, ${attempt.targetRef}, ${attempt.amountMinor}, ${attempt.currency},
          ${attempt.receiverAccountId}, ${attempt.issuedAt}::text::timestamptz,
          ${attempt.expiresAt}::text::timestamptz, 'test')
      `;
      await tx`
        insert into events (id, provider, kind, provider_event_id, correlation_key, amount_minor,
          currency, receiver_account_id, occurred_at, normalized, tenant_id, attempt_id)
        values (${event.id}, 'BAKONG', ${event.kind}, ${event.providerEventId}, ${attempt.md5},
          ${event.amountMinor}, ${event.currency}, ${event.receiverAccountId}, ${event.occurredAt}::text::timestamptz,
          '{}'::jsonb, ${attempt.tenantId}, ${attempt.id})
      `;
      const outcomes: HandlerOutcome[] = [];
      for (let run = 0; run < (setup.runs ?? 1); run += 1) {
        outcomes.push(
          await handler.handle({
            dispatchId: randomUUID(),
            event,
            attempt,
            tx,
          }),
        );
      }
      await check(outcomes, tx);
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
}
