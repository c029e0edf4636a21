/**
 * Every reason a delivery can be refused or quarantined, and how the edge
 * answers it. This table is the only place that speaks HTTP status codes.
 */
export const REJECTIONS = {
  method_not_allowed: { status: 405, message: 'only POST is accepted' },
  unsupported_media_type: {
    status: 415,
    message: 'content-type must be application/json (optionally charset=utf-8)',
  },
  unsupported_content_encoding: {
    status: 415,
    message:
      'content-encoding must be absent or identity; bodies are never decompressed',
  },
  missing_message_id: { status: 400, message: 'webhook-id header is missing' },
  invalid_message_id: {
    status: 400,
    message:
      'webhook-id must be 1 to 255 characters of A-Z a-z 0-9 _ - (sent once)',
  },
  missing_timestamp: {
    status: 400,
    message: 'webhook-timestamp header is missing',
  },
  invalid_timestamp: {
    status: 400,
    message: 'webhook-timestamp must be whole Unix seconds (sent once)',
  },
  body_too_large: { status: 413, message: 'body is over the size limit' },
  timestamp_out_of_tolerance: {
    status: 401,
    message: 'webhook-timestamp is more than 300 s from the gateway clock',
  },
  body_read_timeout: {
    status: 408,
    message: 'body did not arrive within the read timeout',
  },
  signature_missing: {
    status: 401,
    message: 'webhook-signature header is missing',
  },
  signature_unsupported: {
    status: 401,
    message: 'webhook-signature has no v1 entry',
  },
  signature_mismatch: {
    status: 401,
    message: 'no v1 signature matches an active secret',
  },
  rate_limited: {
    status: 429,
    message:
      'too many failed requests from this address; signed deliveries are still taken',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type RejectionReason = keyof typeof REJECTIONS;

/** Verified, stored, but not processable: answered 202 `quarantined`. */
export const QUARANTINE_REASONS = [
  'invalid_utf8',
  'invalid_json',
  'too_deep',
  'duplicate_key',
  'schema_invalid',
  'unsupported_event_type',
  'not_a_confirmation',
  'conflicting_redelivery',
] as const;

export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];
