import { createHash, randomBytes } from 'node:crypto';

import { signPayload } from '../../ingest/verify-signature';

export type ConfirmationInput = {
  md5?: string;
  hash?: string;
  /** The amount's JSON text as it goes on the wire, e.g. `25000` or `"4.50"`. */
  amount?: string;
  currency?: 'KHR' | 'USD';
  toAccountId?: string;
  createdDateMs?: number;
  eventId?: string;
};

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const AMOUNT_SLOT = '@@amount@@';

/**
 * A Bakong confirmation body in the relay's format, one line like the
 * contract's vectors. Fields left out get realistic fresh values, so two
 * calls make two different payments.
 */
export function makeConfirmation(input: ConfirmationInput = {}): string {
  const createdDateMs = input.createdDateMs ?? Date.now() - 3000;
  const body = {
    eventId: input.eventId ?? `evt_${hex(6)}`,
    eventType: 'bakong.transaction.confirmed',
    provider: 'BAKONG',
    md5: input.md5 ?? createHash('md5').update(hex(16)).digest('hex'),
    sentAtMs: Date.now(),
    responseCode: 0,
    responseMessage: 'Getting transaction successfully.',
    errorCode: null,
    data: {
      hash: input.hash ?? hex(32),
      fromAccountId: 'abaakhppxxx@abaa',
      toAccountId: input.toAccountId ?? 'demo_cafe@devb',
      currency: input.currency ?? 'KHR',
      amount: AMOUNT_SLOT,
      description: 'POS-000123',
      createdDateMs,
      acknowledgedDateMs: createdDateMs + 1000,
      trackingStatus: null,
      receiverBank: null,
      receiverBankAccount: null,
      instructionRef: null,
      externalRef: `100FT${hex(5)}`,
    },
  };
  // The amount goes on the wire as its exact text, never through a float.
  return JSON.stringify(body).replace(
    `"${AMOUNT_SLOT}"`,
    input.amount ?? '25000',
  );
}

/** The Standard Webhooks headers for one signed delivery. */
export function signedHeaders(input: {
  body: Buffer | string;
  key: Buffer;
  messageId?: string;
  timestampSeconds?: number;
}): Record<string, string> {
  const messageId = input.messageId ?? `msg_${hex(8)}`;
  const timestamp = String(
    input.timestampSeconds ?? Math.floor(Date.now() / 1000),
  );
  return {
    'content-type': 'application/json',
    'webhook-id': messageId,
    'webhook-timestamp': timestamp,
    'webhook-signature': signPayload(
      input.key,
      messageId,
      timestamp,
      input.body,
    ),
  };
}
