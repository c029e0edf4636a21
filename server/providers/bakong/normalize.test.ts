import { describe, expect, it } from 'vitest';

import { bakongBodySchema, type BakongBody } from './body-schema';
import { V1, V1_EVENT, V2, V2_EVENT } from './fixtures';
import { normalizeBody } from './normalize';
import { parseJson } from './parse-json';

function schemaValid(text: string): BakongBody {
  const json = parseJson(text);
  if (!json.ok) throw new Error(`fixture is not JSON: ${json.detail}`);
  return bakongBodySchema.parse(json.value);
}

describe('normalizeBody', () => {
  it('maps V1 onto the normalized event', () => {
    expect(normalizeBody(schemaValid(V1.body), '25000')).toEqual(V1_EVENT);
  });

  it('maps V2 onto the normalized event', () => {
    expect(normalizeBody(schemaValid(V2.body), '450')).toEqual(V2_EVENT);
  });

  it('keeps null acknowledgement and payer as null', () => {
    const body = schemaValid(
      V1.body
        .replace(/"acknowledgedDateMs":\d+/, '"acknowledgedDateMs":null')
        .replace(/"fromAccountId":"[^"]+"/, '"fromAccountId":null'),
    );
    expect(normalizeBody(body, '25000')).toEqual({
      ...V1_EVENT,
      proof: { ...V1_EVENT.proof, acknowledgedAt: null, payerAccountId: null },
    });
  });

  it('writes times as ISO 8601 UTC with milliseconds', () => {
    const body = schemaValid(
      V1.body.replace(
        '"createdDateMs":1767242703000',
        '"createdDateMs":1767244555000.0',
      ),
    );
    const event = normalizeBody(body, '25000');
    expect(event.occurredAt).toBe('2026-01-01T05:15:55.000Z');
    expect(event.proof.createdAt).toBe('2026-01-01T05:15:55.000Z');
  });
});
