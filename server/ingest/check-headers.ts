import type { RejectionReason } from './reasons';
import { fail, ok, type Result } from './result';

export type Envelope = {
  messageId: string;
  /** `webhook-timestamp`, whole Unix seconds, as sent. */
  timestamp: string;
};

const MEDIA_TYPE =
  /^application\/json\s*(;\s*charset\s*=\s*("utf-8"|utf-8)\s*)?$/i;
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,255}$/;
const TIMESTAMP = /^[0-9]{1,20}$/;

/**
 * The checks that need no body, in the contract's order: method, content
 * type and encoding, message id and timestamp, declared length. A header
 * sent twice reaches us joined with ", " and so fails its format here.
 */
export function checkHeaders(
  method: string,
  headers: Headers,
  maxBodyBytes: number,
): Result<Envelope, RejectionReason> {
  if (method !== 'POST') return fail('method_not_allowed');

  const contentType = headers.get('content-type');
  if (contentType === null || !MEDIA_TYPE.test(contentType.trim())) {
    return fail('unsupported_media_type', contentType ?? 'absent');
  }
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') {
    return fail('unsupported_content_encoding', encoding);
  }

  const messageId = headers.get('webhook-id');
  if (messageId === null) return fail('missing_message_id');
  if (!MESSAGE_ID.test(messageId)) return fail('invalid_message_id');

  const timestamp = headers.get('webhook-timestamp');
  if (timestamp === null) return fail('missing_timestamp');
  if (!TIMESTAMP.test(timestamp)) return fail('invalid_timestamp');

  const length = headers.get('content-length');
  if (
    length !== null &&
    /^[0-9]+$/.test(length) &&
    Number(length) > maxBodyBytes
  ) {
    return fail('body_too_large', `content-length ${length}`);
  }

  return ok({ messageId, timestamp });
}
