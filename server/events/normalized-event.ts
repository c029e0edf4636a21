/**
 * The one internal shape every provider's delivery is normalized into.
 * Handlers read only this; nothing downstream sees a provider's body.
 */
export type NormalizedEvent = {
  provider: 'BAKONG';
  kind: 'PAYMENT_CONFIRMED';
  /** The payment's identity at the provider: for Bakong, the tx hash. */
  providerEventId: string;
  /** What ties the payment to what Modula expected: the KHQR's md5. */
  correlation: { type: 'khqr_md5'; key: string };
  proof: PaymentProof;
  /** When the payer paid (Bakong `createdDateMs`), ISO 8601 UTC with ms. */
  occurredAt: string;
  /** The relay's own envelope: kept for tracing, never for matching. */
  source: { relayEventId: string; sentAt: string };
};

export type PaymentProof = {
  /** Exact amount in minor units (riel, cents) as a decimal integer string. */
  amountMinor: string;
  /** The amount's text exactly as it was sent (JSON number token or string). */
  amountText: string;
  currency: 'KHR' | 'USD';
  receiverAccountId: string;
  payerAccountId: string | null;
  /** The provider's transaction hash. */
  hash: string;
  /** ISO 8601 UTC with ms. */
  createdAt: string;
  acknowledgedAt: string | null;
};
