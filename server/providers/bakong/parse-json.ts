import { parse, type LosslessNumber } from 'lossless-json';

import { fail, ok, type Result } from '../../ingest/result';
import { sanitizeDetail } from './sanitize-detail';

/** Deepest nesting of objects and arrays a body may have. */
export const MAX_DEPTH = 64;

/**
 * A parsed body. Every JSON number is a `LosslessNumber` whose `value` is
 * the number's exact text as sent (`25000`, `4.5`, `1767244555000.0`), so
 * money and big integers never pass through a binary float.
 */
export type JsonValue =
  | string
  | boolean
  | null
  | LosslessNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

type ParseFailure = 'invalid_json' | 'too_deep' | 'duplicate_key';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

type Frame = { keys: Set<string> | null; expectingKey: boolean };

/**
 * A flat, non-recursive pass over the text that tracks only containers,
 * commas and strings. It exists because every JSON parser at hand recurses
 * (a body nested 10 000 deep throws RangeError) and because lossless-json
 * accepts a repeated key when both values are equal. It does not judge
 * the grammar: when the structure stops making sense it stops and leaves
 * the verdict to the parser. It answers the first repeated key it saw, or
 * null; too deep is answered at once.
 */
function scanStructure(text: string): Result<string | null, 'too_deep'> {
  const frames: Frame[] = [];
  let duplicate: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (code === QUOTE) {
      const end = findStringEnd(text, i);
      if (end === -1) break;
      if (top?.keys && top.expectingKey) {
        // An undecodable key is invalid JSON: the parser will say so.
        const key = decodeKey(text.slice(i, end + 1));
        if (key !== null && top.keys.has(key) && duplicate === null) {
          const shown = sanitizeDetail(key, 60);
          duplicate = `key "${shown}" repeated at position ${i}`;
        }
        if (key !== null) top.keys.add(key);
        top.expectingKey = false;
      }
      i = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (frames.length === MAX_DEPTH) {
        const where = `at position ${i}`;
        return fail('too_deep', `nesting deeper than ${MAX_DEPTH} ${where}`);
      }
      const isObject = code === OPEN_OBJECT;
      const keys = isObject ? new Set<string>() : null;
      frames.push({ keys, expectingKey: isObject });
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      const closesObject = code === CLOSE_OBJECT;
      if (top === undefined || (top.keys !== null) !== closesObject) break;
      frames.pop();
    } else if (code === COMMA && top?.keys) {
      top.expectingKey = true;
    }
  }
  return ok(duplicate);
}

/** Index of the closing quote of the string opened at `start`, or -1. */
function findStringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i;
  }
  return -1;
}

/**
 * `"a"` and `"\u0061"` are the same key, so keys are compared decoded.
 * JSON.parse on one string literal cannot recurse.
 */
function decodeKey(literal: string): string | null {
  try {
    const key: unknown = JSON.parse(literal);
    return typeof key === 'string' ? key : null;
  } catch {
    return null;
  }
}

/**
 * Parses the decoded body. The depth bound runs before any recursive
 * parser; a malformed body is `invalid_json` before a repeated key is
 * looked at, so the reason names the first thing a sender must fix.
 * `__proto__`, `constructor` and `prototype` stay plain own keys:
 * lossless-json defines `__proto__` as an own property, as JSON.parse does.
 */
export function parseJson(text: string): Result<JsonValue, ParseFailure> {
  const scan = scanStructure(text);
  if (!scan.ok) return scan;

  let value: unknown;
  try {
    // Repeated keys were found by the scan; lossless-json would throw for
    // them only when the values differ, and as a SyntaxError at that.
    value = parse(text, null, { onDuplicateKey: () => undefined });
  } catch (error) {
    // Only a syntax error describes the body; anything else is a bug here
    // and must surface rather than be filed as the sender's fault.
    if (!(error instanceof SyntaxError)) throw error;
    return fail('invalid_json', sanitizeDetail(error.message));
  }

  if (scan.value !== null) return fail('duplicate_key', scan.value);
  return ok(value as JsonValue);
}
