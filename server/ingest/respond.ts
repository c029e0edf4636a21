import { REJECTIONS, type RejectionReason } from './reasons';
import type { Recorded } from './record-delivery';

/** How long a sender should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  Response.json(body, {
    status,
    headers: { 'cache-control': 'no-store', ...headers },
  });

export function rejectionResponse(
  reason: RejectionReason,
  retryAfterSeconds = 0,
): Response {
  const { status, message } = REJECTIONS[reason];
  const headers: Record<string, string> =
    status === 405 ? { allow: 'POST' } : {};
  if (retryAfterSeconds > 0) headers['retry-after'] = String(retryAfterSeconds);
  return json(status, { error: reason, message }, headers);
}

export function recordedResponse(recorded: Recorded): Response {
  if (recorded.outcome === 'quarantined') {
    return json(202, {
      status: 'quarantined',
      reason: recorded.reason,
      deliveryId: recorded.deliveryId,
    });
  }
  return json(recorded.statusCode, {
    status: recorded.outcome,
    deliveryId: recorded.deliveryId,
    eventId: recorded.eventId,
  });
}

export function unavailableResponse(): Response {
  return json(
    503,
    {
      error: 'database_unavailable',
      message:
        'the delivery could not be stored and was not acknowledged; retry later',
    },
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
