import { afterAll, expect, it } from 'vitest';

import type { PaymentHandler } from '../server/dispatch/types';
import { runHandler } from './handler-harness';
import { testSql } from './ingest-harness';

/**
 * What every payment-confirmation handler must do, whatever its purpose:
 * each handler's own test file runs these against it.
 */
export function itConfirmsPaymentsLikeItsAttempt(handler: PaymentHandler) {
  const sql = testSql();
  afterAll(() => sql.end({ timeout: 5 }));

  it('confirms a matching payment once, however often it runs', async () => {
    await runHandler(sql, handler, { runs: 3 }, async (outcomes, tx) => {
      expect(outcomes.map((o) => o.result)).toEqual([
        'confirmed',
        'already_confirmed',
        'already_confirmed',
      ]);
      const rows =
        await tx`select purpose, amount_minor, currency from confirmations
        where id = ${outcomes[0]!.confirmationId!}`;
      expect(rows).toEqual([
        { purpose: handler.purpose, amount_minor: '25000', currency: 'KHR' },
      ]);
    });
  });

  it('writes no confirmation for another amount, and says what differs', async () => {
    await runHandler(
      sql,
      handler,
      { event: { amountMinor: '24999' } },
      async ([outcome], tx) => {
        expect(outcome).toEqual({
          result: 'mismatch',
          anomalies: ['amount_mismatch'],
        });
        const [anomaly] =
          await tx`select detail from anomalies where kind = 'amount_mismatch'
        and subject in (select id::text from events where amount_minor = 24999)`;
        expect(anomaly!.detail).toMatchObject({
          expected: '25000 KHR minor units',
          received: '24999 KHR minor units',
          purpose: handler.purpose,
        });
        expect(
          await tx`select id from confirmations where amount_minor = 24999`,
        ).toHaveLength(0);
      },
    );
  });

  it('flags a currency and a receiver mismatch together', async () => {
    const event = { currency: 'USD', receiverAccountId: 'someone_else@devb' };
    await runHandler(sql, handler, { event }, async ([outcome]) => {
      expect(outcome?.anomalies).toEqual([
        'currency_mismatch',
        'receiver_mismatch',
      ]);
    });
  });

  it('confirms a payment made after expiry, flagged', async () => {
    const attempt = { expiresAt: '2026-12-04T08:00:30.000Z' };
    await runHandler(sql, handler, { attempt }, async ([outcome]) => {
      expect(outcome).toMatchObject({
        result: 'confirmed',
        anomalies: ['expired_attempt_paid'],
      });
    });
  });

  // Regression: postgres.js turned the attempt's issuedAt into a Date and
  // lost its microseconds, so the attempt looked newer than itself and
  // every confirmation raised superseded_attempt_paid.
  it('does not take its own attempt, issued at a microsecond, for a newer one', async () => {
    const attempt = { issuedAt: '2026-12-04T08:00:00.123456Z' };
    await runHandler(sql, handler, { attempt }, async ([outcome]) => {
      expect(outcome).toMatchObject({ result: 'confirmed', anomalies: [] });
    });
  });
}
