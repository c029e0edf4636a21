import type { Sql, TransactionSql } from 'postgres';

export type PaymentPurpose = 'SALE' | 'SUBSCRIPTION_INVOICE';

/** The event as a handler reads it: the provider's proof, exact. */
export type DispatchedEvent = {
  id: string;
  kind: string;
  providerEventId: string;
  correlationKey: string;
  amountMinor: string;
  currency: string;
  receiverAccountId: string;
  payerAccountId: string | null;
  /** When the payer paid. */
  occurredAt: string;
};

/** What Modula expected to be paid. */
export type ExpectedAttempt = {
  id: string;
  md5: string;
  tenantId: string;
  branchId: string | null;
  purpose: PaymentPurpose;
  targetRef: string;
  amountMinor: string;
  currency: string;
  receiverAccountId: string;
  issuedAt: string;
  expiresAt: string | null;
};

export type HandlerInput = {
  dispatchId: string;
  event: DispatchedEvent;
  attempt: ExpectedAttempt;
  /** The transaction the dispatch's success is recorded in. */
  tx: TransactionSql;
};

export type HandlerOutcome = {
  result: 'confirmed' | 'already_confirmed' | 'mismatch' | 'double_payment';
  confirmationId?: string;
  /** The kinds of anomaly this run raised (or found already open). */
  anomalies: string[];
};

/**
 * A handler owns the meaning of one kind of event for one purpose. It must
 * be idempotent: a dispatch can run again after a crash, a retry or a
 * replay, and must then change nothing.
 */
export type PaymentHandler = {
  name: string;
  kind: 'PAYMENT_CONFIRMED';
  purpose: PaymentPurpose;
  /** Overrides the configured number of attempts. */
  maxAttempts?: number;
  handle: (input: HandlerInput) => Promise<HandlerOutcome>;
};

export type { Sql };
