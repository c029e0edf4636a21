import { randomBytes } from 'node:crypto';

import type { Sql } from '../../db/client';
import { registerPaymentAttempt } from '../../server/attempts/register-payment-attempt';
import {
  createRegistry,
  DEFAULT_HANDLERS,
} from '../../server/dispatch/registry';
import type { PaymentPurpose } from '../../server/dispatch/types';
import { makeConfirmation } from '../../server/providers/bakong/make-confirmation';
import { parseAmount } from '../../server/providers/bakong/parse-amount';
import { FAULTS_ADMIN_TOKEN } from './gateway';
import type { Message } from './provider';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** What Modula expects to be paid, as the register procedure takes it. */
export type Attempt = {
  md5: string;
  tenantId: string;
  purpose: PaymentPurpose;
  targetRef: string;
  /** Major units as text: `25000` riel, `4.50` dollars. */
  amount: string;
  currency: 'KHR' | 'USD';
  receiverAccountId: string;
  issuedAt?: string;
  expiresAt?: string;
};

/** One payment: the attempt it pays and the proof the provider sends. */
export type Payment = {
  attempt: Attempt;
  hash: string;
  createdDateMs: number;
  /** The amount's wire text in the body; the attempt's unless mismatched. */
  paidAmount: string;
};

export function newPayment(
  options: {
    tenantId?: string;
    purpose?: PaymentPurpose;
    currency?: 'KHR' | 'USD';
  } = {},
): Payment {
  const currency = options.currency ?? 'KHR';
  const amount =
    currency === 'KHR'
      ? String(1000 + Math.floor(Math.random() * 99_000))
      : '4.50';
  const md5 = hex(16);
  return {
    attempt: {
      md5,
      tenantId: options.tenantId ?? 'faults-tenant',
      purpose: options.purpose ?? 'SALE',
      targetRef: `target-${md5.slice(0, 12)}`,
      amount,
      currency,
      receiverAccountId: 'demo_cafe@devb',
    },
    hash: hex(32),
    createdDateMs: Date.now() - 5000,
    paidAmount: amount,
  };
}

/**
 * The provider's body for a payment. Each call is a new relay message
 * (fresh eventId and sentAtMs) with the same proof: a duplicate by the
 * contract whatever else differs.
 */
export function confirmationBody(payment: Payment): string {
  return makeConfirmation({
    md5: payment.attempt.md5,
    hash: payment.hash,
    amount: payment.paidAmount,
    currency: payment.attempt.currency,
    toAccountId: payment.attempt.receiverAccountId,
    createdDateMs: payment.createdDateMs,
  });
}

export function messageFor(
  payment: Payment,
  body = confirmationBody(payment),
): Message {
  return { messageId: `msg_${hex(10)}`, body, paymentKey: payment.hash };
}

/** Registers through the app's tRPC HTTP API, as an internal tool does. */
export async function registerViaApi(baseUrl: string, attempt: Attempt) {
  const response = await fetch(`${baseUrl}/api/trpc/paymentAttempts.register`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${FAULTS_ADMIN_TOKEN}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(attempt),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(
      `register ${attempt.md5} answered ${response.status}: ${text.slice(0, 300)}`,
    );
  }
  return JSON.parse(text) as {
    result: { data: { status: string; resolvedEvents: number } };
  };
}

/** The same registration through the SQL function, for bulk set-up. */
export async function registerViaSql(
  sql: Sql,
  attempt: Attempt,
  maxAttempts = 8,
) {
  const minor = parseAmount(attempt.amount, attempt.currency);
  if (!minor.ok) throw new Error(`bad amount ${attempt.amount} in a fixture`);
  return registerPaymentAttempt(
    sql,
    {
      md5: attempt.md5,
      tenantId: attempt.tenantId,
      branchId: null,
      purpose: attempt.purpose,
      targetRef: attempt.targetRef,
      attemptRef: null,
      amountMinor: minor.value,
      currency: attempt.currency,
      receiverAccountId: attempt.receiverAccountId,
      issuedAt: attempt.issuedAt ?? null,
      expiresAt: attempt.expiresAt ?? null,
      registeredBy: 'faults-suite',
    },
    createRegistry(DEFAULT_HANDLERS, maxAttempts).routes,
  );
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, lane),
  );
  return results;
}
