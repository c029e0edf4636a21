import { createHash } from 'node:crypto';

import type { Sql } from '../../db/client';
import type { DispatchRoutes } from '../dispatch/registry';
import type { Logger } from '../logger';
import { getMetrics } from '../metrics/metrics';
import { interpretBakongBody } from '../providers/bakong/interpret-body';
import { checkHeaders } from './check-headers';
import { checkTimestamp } from './check-timestamp';
import type { FloodGuard } from './flood-guard';
import { describeRequest, type RequestMeta } from './describe-request';
import { readBody } from './read-body';
import type { RejectionReason } from './reasons';
import {
  recordDelivery,
  type DeliveryRecord,
  type Recorded,
} from './record-delivery';
import {
  rejectionResponse,
  recordedResponse,
  unavailableResponse,
} from './respond';
import type { WebhookSecret } from './secrets';
import { verifySignature } from './verify-signature';

export type IngestContext = {
  sql: Sql;
  /** The dispatch registry's routes, for events resolved on arrival. */
  dispatch: DispatchRoutes;
  secrets: readonly WebhookSecret[];
  maxBodyBytes: number;
  readTimeoutMs: number;
  log: Logger;
  /** The clock; tests of the window set it. */
  now?: () => number;
  /** How long to wait for the database before answering 503. */
  recordTimeoutMs?: number;
  /** Limits unauthenticated failures per address; unset: no limit. */
  flood?: FloodGuard;
};

const PROVIDER = 'BAKONG';
/** What a rejected delivery keeps of its body. */
const REJECTED_BODY_KEEP = 4096;
/** A refused request's body is read only this long, for its prefix. */
const PREFIX_READ_MS = 1000;

/**
 * The Bakong webhook, stage by stage in the contract's order. Nothing is
 * decoded before the signature matched; nothing is answered 2xx before the
 * delivery is committed.
 */
export async function handleBakongWebhook(
  request: Request,
  ctx: IngestContext,
): Promise<Response> {
  const now = ctx.now ?? Date.now;
  const started = performance.now();
  const meta = describeRequest(request, new Date(now()));
  const finish = (recorded: Partial<Recorded> & { statusCode: number }) =>
    logDelivery(ctx.log, meta, recorded, performance.now() - started);
  const address = meta.remoteAddress ?? 'unknown';
  // Decided up front, but applied only to refusals: a verified delivery
  // from a flooding address is still taken.
  const blockedFor = ctx.flood ? await ctx.flood.blockedFor(address) : 0;
  const refuse = async (refusal: Refusal, readPrefixFirst: boolean) => {
    if (blockedFor > 0 && ctx.flood) {
      ctx.flood.suppressed(address, refusal.reason);
      return rejectionResponse('rate_limited', blockedFor);
    }
    const withPrefix = readPrefixFirst
      ? { ...refusal, ...(await readPrefix(request.body, ctx.readTimeoutMs)) }
      : refusal;
    void ctx.flood?.failed(address);
    return reject(ctx, meta, finish, withPrefix);
  };

  const headers = checkHeaders(
    request.method,
    request.headers,
    ctx.maxBodyBytes,
  );
  if (!headers.ok) {
    const unread =
      headers.reason === 'body_too_large' || request.method === 'HEAD';
    return refuse(
      {
        reason: headers.reason,
        detail: headers.detail,
        bytes: Buffer.alloc(0),
        complete: false,
      },
      !unread,
    );
  }
  const { messageId, timestamp } = headers.value;
  const envelope = { messageId, signedAt: null as string | null };

  const window = checkTimestamp(timestamp, now());
  if (!window.ok) {
    const { reason, detail } = window;
    return refuse(
      { reason, detail, bytes: Buffer.alloc(0), complete: false, envelope },
      true,
    );
  }
  envelope.signedAt = window.value.toISOString();

  const body = await readBody(request.body, {
    maxBytes: ctx.maxBodyBytes,
    timeoutMs: ctx.readTimeoutMs,
  });
  if (!body.ok) {
    const { reason, detail, bytes } = body;
    return refuse({ reason, detail, bytes, complete: false, envelope }, false);
  }

  const signature = verifySignature({
    messageId,
    timestamp,
    body: body.value,
    header: request.headers.get('webhook-signature'),
    secrets: ctx.secrets,
  });
  if (!signature.ok) {
    const { reason, detail } = signature;
    return refuse(
      { reason, detail, bytes: body.value, complete: true, envelope },
      false,
    );
  }

  const interpretation = interpretBakongBody(body.value);
  const delivery: DeliveryRecord = {
    ...base(meta, envelope, body.value),
    bodyTruncated: false,
    fingerprint: interpretation.fingerprint,
    secretId: signature.value.secretId,
    ...(interpretation.ok
      ? { outcome: 'accepted', reason: null, detail: null, statusCode: 200 }
      : {
          outcome: 'quarantined',
          reason: interpretation.reason,
          detail: interpretation.detail ?? null,
          statusCode: 202,
        }),
  };
  const anomaly = interpretation.ok
    ? null
    : {
        kind: 'quarantined_delivery',
        detail: {
          reason: interpretation.reason,
          detail: interpretation.detail ?? null,
        },
      };
  let recorded: Recorded;
  try {
    recorded = await recordWithin(
      (signal, deadline) =>
        recordDelivery(
          ctx.sql,
          {
            delivery,
            body: body.value,
            event: interpretation.ok ? interpretation.event : null,
            anomaly,
            dispatch: ctx.dispatch,
          },
          { signal, deadline },
        ),
      ctx.recordTimeoutMs ?? 10_000,
    );
  } catch (error) {
    ctx.log.error(
      { err: error, requestId: meta.requestId, messageId, stage: 'record' },
      'could not record a verified delivery; answered 503 so the sender retries',
    );
    finish({ statusCode: 503, reason: 'database_unavailable' });
    return unavailableResponse();
  }
  finish(recorded);
  return recordedResponse(recorded);
}

type Envelope = { messageId: string; signedAt: string | null };

type Refusal = {
  reason: RejectionReason;
  detail?: string;
  bytes: Buffer;
  complete: boolean;
  envelope?: Envelope;
};

/** What every delivery row holds; `read` is every byte that was read. */
function base(meta: RequestMeta, envelope: Envelope | null, read: Buffer) {
  return {
    provider: PROVIDER,
    receivedAt: meta.receivedAt,
    requestId: meta.requestId,
    remoteAddress: meta.remoteAddress,
    method: meta.method,
    headers: meta.headers,
    messageId: envelope?.messageId ?? cut(meta.headers['webhook-id']),
    signedAt: envelope?.signedAt ?? null,
    bodyBytes: read.length,
    bodySha256: createHash('sha256').update(read).digest('hex'),
  };
}

/**
 * Refuses a delivery with its precise status. The row is written on a
 * best-effort basis: a refusal acknowledges nothing, so when the database
 * is down the answer stays the refusal rather than a 503.
 */
async function reject(
  ctx: IngestContext,
  meta: RequestMeta,
  finish: (recorded: Partial<Recorded> & { statusCode: number }) => void,
  refusal: Refusal,
): Promise<Response> {
  const response = rejectionResponse(refusal.reason);
  const kept = refusal.bytes.subarray(0, REJECTED_BODY_KEEP);
  const delivery: DeliveryRecord = {
    ...base(meta, refusal.envelope ?? null, refusal.bytes),
    bodyTruncated: !refusal.complete || kept.length < refusal.bytes.length,
    fingerprint: null,
    secretId: null,
    outcome: 'rejected',
    reason: refusal.reason,
    detail: refusal.detail ?? null,
    statusCode: response.status,
  };
  try {
    const recorded = await recordWithin(
      (signal, deadline) =>
        recordDelivery(
          ctx.sql,
          {
            delivery,
            body: kept,
            event: null,
            anomaly: null,
            dispatch: ctx.dispatch,
          },
          { signal, deadline },
        ),
      ctx.recordTimeoutMs ?? 10_000,
    );
    finish(recorded);
  } catch (error) {
    ctx.log.warn(
      {
        err: error,
        requestId: meta.requestId,
        reason: refusal.reason,
        stage: 'record',
      },
      'could not record a refused delivery',
    );
    finish({
      statusCode: response.status,
      reason: refusal.reason,
      outcome: 'rejected',
    });
  }
  return response;
}

/** A refused request's first 4 KiB, read briefly, for the delivery row. */
async function readPrefix(
  stream: ReadableStream<Uint8Array> | null,
  timeoutMs: number,
) {
  const read = await readBody(stream, {
    maxBytes: REJECTED_BODY_KEEP,
    timeoutMs: Math.min(timeoutMs, PREFIX_READ_MS),
  });
  return { bytes: read.bytes, complete: read.ok };
}

function cut(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, 512);
}

/** The end of the record wait, kept for a cancelled statement to settle. */
const CANCEL_GRACE_MS = 1500;
/** How long before the answer the database stops committing a record. */
const COMMIT_MARGIN_MS = 1000;

class RecordTimeout extends Error {}

/**
 * One record call within `ms`. Near the end the statement is cancelled and
 * its fate awaited, so a delivery answered 503 is never committed after the
 * answer: if it committed anyway, its result is the answer. A cancel can
 * miss a statement that was only just sent, so the database also refuses
 * to commit past `deadline`, a second before the answer is due.
 */
async function recordWithin<T>(
  work: (signal: AbortSignal, deadline: Date) => Promise<T>,
  ms: number,
): Promise<T> {
  const controller = new AbortController();
  const deadline = new Date(Date.now() + Math.max(0, ms - COMMIT_MARGIN_MS));
  const pending = tracked(work(controller.signal, deadline));
  const cancelAt = Math.max(0, ms - CANCEL_GRACE_MS);
  try {
    return await withTimeout(pending, cancelAt);
  } catch (error) {
    if (!(error instanceof RecordTimeout)) throw error;
    controller.abort();
    return await withTimeout(pending, ms - cancelAt);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rejectPromise) => {
    timer = setTimeout(
      () =>
        rejectPromise(
          new RecordTimeout(`the database did not answer within ${ms} ms`),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function logDelivery(
  log: Logger,
  meta: RequestMeta,
  recorded: Partial<Recorded> & { statusCode: number },
  durationMs: number,
) {
  const outcome = recorded.outcome ?? 'not_recorded';
  const metrics = getMetrics();
  metrics.deliveries.inc({ outcome, reason: recorded.reason ?? '' });
  metrics.ingestSeconds.observe({ outcome }, durationMs / 1000);
  const fields = {
    requestId: meta.requestId,
    deliveryId: recorded.deliveryId,
    eventId: recorded.eventId,
    // Sent by the caller: JSON logging escapes any CR, LF or terminal
    // escape in it, so it cannot forge a line.
    // JSON escapes C0 controls only: C1 ones (U+0080-U+009F, e.g. the 8-bit
    // CSI U+009B) are escaped here.
    messageId: meta.headers['webhook-id']
      ?.slice(0, 300)
      .replace(
        /[\u0080-\u009f]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    remoteAddress: meta.remoteAddress,
    outcome,
    reason: recorded.reason,
    statusCode: recorded.statusCode,
    durationMs: Math.round(durationMs * 10) / 10,
  };
  log.info(fields, `delivery ${outcome}`);
}

/** Counts queries in flight, to show when the pool is the bottleneck. */
async function tracked<T>(query: Promise<T>): Promise<T> {
  const { databaseInFlight } = getMetrics();
  databaseInFlight.inc();
  try {
    return await query;
  } finally {
    databaseInFlight.dec();
  }
}
