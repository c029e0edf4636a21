import { fail, ok, type Result } from '../../ingest/result';

// ignoreBOM keeps the BOM in the output, so stripping it is our decision
// (exactly one), not the decoder's; fatal turns bad bytes into an error
// instead of silent U+FFFD replacements that would change the content.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const BOM = '\uFEFF';

/**
 * Decodes the verified body as strict UTF-8. One leading BOM is dropped
 * for parsing only; the stored raw bytes keep it. A second BOM is content
 * and makes the JSON invalid.
 */
export function decodeUtf8(bytes: Uint8Array): Result<string, 'invalid_utf8'> {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const size = bytes.byteLength;
    return fail('invalid_utf8', `body of ${size} bytes is not valid UTF-8`);
  }
  return ok(text.startsWith(BOM) ? text.slice(BOM.length) : text);
}
