import { createHmac, timingSafeEqual } from 'node:crypto';

import { fail, ok, type Result } from './result';
import type { WebhookSecret } from './secrets';

export type SignatureFailure =
  'signature_missing' | 'signature_unsupported' | 'signature_mismatch';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HMAC_BYTES = 32;

/**
 * Standard Webhooks v1: base64(HMAC-SHA256(key, id.timestamp.body)) over
 * the raw bytes as received. Any v1 entry may match any active secret, so
 * a sender can sign with the old and the new key during a rotation.
 * Entries of other versions are ignored; a malformed entry never matches
 * and never throws.
 */
export function verifySignature(input: {
  messageId: string;
  timestamp: string;
  body: Buffer;
  header: string | null;
  secrets: readonly WebhookSecret[];
}): Result<{ secretId: string }, SignatureFailure> {
  if (input.header === null || input.header.trim() === '') {
    return fail('signature_missing');
  }
  const entries = input.header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  if (entries.length === 0) return fail('signature_unsupported');
  const candidates = entries
    .filter((value) => BASE64.test(value))
    .map((value) => Buffer.from(value, 'base64'))
    .filter((bytes) => bytes.length === HMAC_BYTES);

  const signed = Buffer.concat([
    Buffer.from(`${input.messageId}.${input.timestamp}.`),
    input.body,
  ]);
  for (const secret of input.secrets) {
    const expected = createHmac('sha256', secret.key).update(signed).digest();
    // Every candidate is compared, so timing says nothing about which
    // entry or how many bytes matched.
    let matched = false;
    for (const candidate of candidates) {
      matched = timingSafeEqual(expected, candidate) || matched;
    }
    if (matched) return ok({ secretId: secret.id });
  }
  return fail('signature_mismatch');
}

/** Signs like a sender does; used by `npm run send` and the tests. */
export function signPayload(
  key: Buffer,
  messageId: string,
  timestamp: string,
  body: Buffer | string,
): string {
  const mac = createHmac('sha256', key)
    .update(`${messageId}.${timestamp}.`)
    .update(body)
    .digest('base64');
  return `v1,${mac}`;
}
