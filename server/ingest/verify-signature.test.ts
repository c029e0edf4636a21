import { describe, expect, it } from 'vitest';

import {
  SECRET_1,
  SECRET_2,
  STANDARD_WEBHOOKS_VECTOR as SW,
  V1,
  V2,
} from '../providers/bakong/fixtures';
import { checkTimestamp } from './check-timestamp';
import { parseSecrets } from './secrets';
import { verifySignature } from './verify-signature';

const both = parseSecrets([SECRET_1, SECRET_2]);
const verify = (
  vector: { messageId: string; timestamp: string; body: string },
  header: string,
) =>
  verifySignature({
    messageId: vector.messageId,
    timestamp: vector.timestamp,
    body: Buffer.from(vector.body),
    header,
    secrets: both,
  });

describe('the contract vectors, verified at their own time', () => {
  it('V1 with the first secret matches the first key', () => {
    const result = verify(V1, V1.signatures.secret1);
    expect(result).toEqual({ ok: true, value: { secretId: both[0]!.id } });
    expect(checkTimestamp(V1.timestamp, Number(V1.timestamp) * 1000).ok).toBe(
      true,
    );
  });

  it('V1 with the rotated-in secret matches the second key', () => {
    expect(verify(V1, V1.signatures.secret2)).toEqual({
      ok: true,
      value: { secretId: both[1]!.id },
    });
  });

  it('V2 verifies with the first secret', () => {
    expect(verify(V2, V2.signatures.secret1).ok).toBe(true);
  });

  it('the public Standard Webhooks vector verifies', () => {
    const result = verifySignature({
      messageId: SW.messageId,
      timestamp: SW.timestamp,
      body: Buffer.from(SW.body),
      header: SW.signature,
      secrets: parseSecrets([SW.secret]),
    });
    expect(result.ok).toBe(true);
  });

  it('one changed byte of the body fails', () => {
    const changed = { ...V1, body: V1.body.replace('25000', '25001') };
    expect(verify(changed, V1.signatures.secret1)).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('a signature of V1 does not verify V2', () => {
    expect(verify(V2, V1.signatures.secret1).ok).toBe(false);
  });

  it('a key taken as the text of the secret, not its decoded bytes, fails', () => {
    const wrong = [{ id: 'text', key: Buffer.from(SECRET_1.slice(6)) }];
    const result = verifySignature({
      messageId: V1.messageId,
      timestamp: V1.timestamp,
      body: Buffer.from(V1.body),
      header: V1.signatures.secret1,
      secrets: wrong,
    });
    expect(result.ok).toBe(false);
  });
});

describe('malformed signature headers never throw', () => {
  it.each([
    ['absent', null, 'signature_missing'],
    ['empty', '', 'signature_missing'],
    ['only other versions', 'v0,abc v2,def', 'signature_unsupported'],
    ['wrong length', 'v1,AAAA', 'signature_mismatch'],
    ['not base64', 'v1,!!!notbase64!!!', 'signature_mismatch'],
    ['truncated', V1.signatures.secret1.slice(0, -6), 'signature_mismatch'],
    ['entries in any order', `v1,AAAA ${V1.signatures.secret1}`, null],
    ['extra spaces', `  ${V1.signatures.secret1}  `, null],
  ])('%s', (_, header, reason) => {
    const result = verify(V1, header as string);
    if (reason === null) expect(result.ok).toBe(true);
    else expect(result).toMatchObject({ ok: false, reason });
  });
});

describe('the timestamp window', () => {
  const now = 1767242706_000;
  it.each([
    [0, true],
    [300, true],
    [-300, true],
    [301, false],
    [-301, false],
  ])('%i s of skew: %s', (skew, passes) => {
    expect(checkTimestamp(String(1767242706 + skew), now).ok).toBe(passes);
  });

  it('floors the clock: 300.9 s after the timestamp still passes', () => {
    expect(checkTimestamp('1767242706', now + 300_900).ok).toBe(true);
  });

  it('a timestamp too large to be exact is out of tolerance', () => {
    expect(checkTimestamp('99999999999999999999', now).ok).toBe(false);
  });
});
