import { createHash, createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  SECRET_1,
  SECRET_2,
  STANDARD_WEBHOOKS_VECTOR,
  V1,
  V2,
} from './fixtures';

// Written here from the contract's formula so the fixtures are checked on
// their own, independently of the gateway's verifier.
function sign(secret: string, id: string, timestamp: string, body: string) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`);
  return `v1,${mac.digest('base64')}`;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('fixtures are the contract vectors byte for byte', () => {
  it('V1 signs to both of its listed signatures', () => {
    expect(sign(SECRET_1, V1.messageId, V1.timestamp, V1.body)).toBe(
      V1.signatures.secret1,
    );
    expect(sign(SECRET_2, V1.messageId, V1.timestamp, V1.body)).toBe(
      V1.signatures.secret2,
    );
  });

  it('V2 signs to its listed signature', () => {
    expect(sign(SECRET_1, V2.messageId, V2.timestamp, V2.body)).toBe(
      V2.signatures.secret1,
    );
  });

  it('the Standard Webhooks vector signs to its listed signature', () => {
    const v = STANDARD_WEBHOOKS_VECTOR;
    expect(sign(v.secret, v.messageId, v.timestamp, v.body)).toBe(v.signature);
  });

  it('each KHQR string hashes to the md5 its body carries', () => {
    expect(md5(V1.khqr)).toBe(V1.md5);
    expect(md5(V2.khqr)).toBe(V2.md5);
    expect(V1.body).toContain(`"md5":"${V1.md5}"`);
    expect(V2.body).toContain(`"md5":"${V2.md5}"`);
  });

  it('bodies are one line without a trailing newline', () => {
    expect(V1.body).toMatch(/^\{[^\n]*\}$/);
    expect(V2.body).toMatch(/^\{[^\n]*\}$/);
    expect(V1.body.length).toBe(644);
    expect(V2.body.length).toBe(657);
  });
});
