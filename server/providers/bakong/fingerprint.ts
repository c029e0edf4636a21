import { createHash } from 'node:crypto';

import canonicalize from 'canonicalize';
import { isLosslessNumber } from 'lossless-json';

const PROVIDER = 'BAKONG';

/**
 * Turns parse-json's value into what JSON.parse would have given, because
 * RFC 8785 defines numbers as IEEE doubles: `1767244555000.0` and
 * `1767244555000` canonicalize alike, and so do integers past 2^53 that
 * round to the same double. That loss is acceptable here because money is
 * carried exactly in the normalized proof, not in this fingerprint.
 *
 * A number too large for a double (`1e400`) has no RFC 8785 form; its
 * exact text is used as a string instead, so it cannot crash the stage.
 * Cost: such a body fingerprints like one that sent the same text quoted.
 *
 * Objects are rebuilt without a prototype so that a `__proto__` key is
 * stored as an own property, never through Object.prototype's setter.
 */
function toPlainJson(value: unknown): unknown {
  if (isLosslessNumber(value)) {
    const number = Number(value.value);
    return Number.isFinite(number) ? number : value.value;
  }
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value !== null && typeof value === 'object') {
    const plain: Record<string, unknown> = Object.create(null);
    for (const [key, item] of Object.entries(value)) {
      plain[key] = toPlainJson(item);
    }
    return plain;
  }
  return value;
}

/**
 * Hex sha256 of `BAKONG\n<eventType>\n<RFC 8785 JSON of the body>`: the
 * same content with other whitespace, key order, escapes or number spelling
 * gives the same fingerprint. `value` is parse-json's output, whose depth
 * is already bounded (the conversion and canonicalize both recurse).
 */
export function fingerprintBody(eventType: string, value: unknown): string {
  const canonical = canonicalize(toPlainJson(value));
  if (canonical === undefined) {
    throw new TypeError('fingerprintBody needs a JSON value');
  }
  return createHash('sha256')
    .update(`${PROVIDER}\n${eventType}\n${canonical}`, 'utf8')
    .digest('hex');
}
