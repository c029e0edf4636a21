import type { JobHelpers, Task } from 'graphile-worker';
import type { Sql } from '../../db/client';
import type { Logger } from '../logger';
import { recordDispatchRun } from '../metrics/dispatch-runs';
import { raiseAnomaly } from './raise-anomaly';
import type { Registry } from './registry';
import type { DispatchedEvent, ExpectedAttempt, HandlerOutcome } from './types';

export const DISPATCH_TASK = 'dispatch';

type Marked = {
  handler: string;
  event: DispatchedEvent | null;
  attempt: ExpectedAttempt | null;
};

/**
 * The worker's one task: run a dispatch's handler and record what happened.
 * The handler's writes and the dispatch's success commit together, so a
 * crash in between leaves a dispatch that runs again, never a confirmation
 * without its record. A failure is recorded and rethrown, and the queue
 * retries it with exponential backoff; after the last attempt the dispatch
 * is dead and an anomaly says so.
 */
export function createDispatchTask(deps: {
  sql: Sql;
  registry: Registry;
  log: Logger;
}): Task {
  return async (payload, helpers) => {
    const dispatchId = (payload as { dispatchId?: unknown } | null)?.dispatchId;
    if (typeof dispatchId !== 'string') {
      deps.log.error(
        { payload },
        'dispatch job without a dispatch id: dropped',
      );
      return;
    }
    await runDispatch(deps, dispatchId, helpers);
  };
}

async function runDispatch(
  { sql, registry, log }: { sql: Sql; registry: Registry; log: Logger },
  dispatchId: string,
  helpers: Pick<JobHelpers, 'job'>,
) {
  const started = performance.now();
  const attempt = helpers.job.attempts;
  const last = attempt >= helpers.job.max_attempts;
  // One round trip marks the dispatch running and loads what the handler
  // compares: the event and the attempt it resolved to, both immutable.
  const [marked] = await sql<Marked[]>`
    with marked as (
      update dispatches
         set status = 'running', attempts = ${attempt}, started_at = now(), updated_at = now()
       where id = ${dispatchId} and status <> 'succeeded'
      returning handler, event_id
    )
    select m.handler,
      case when e.id is not null then json_build_object(
        'id', e.id, 'kind', e.kind, 'providerEventId', e.provider_event_id,
        'correlationKey', e.correlation_key, 'amountMinor', e.amount_minor::text,
        'currency', e.currency, 'receiverAccountId', e.receiver_account_id,
        'payerAccountId', e.payer_account_id,
        'occurredAt', to_json(e.occurred_at)) end as event,
      case when a.id is not null then json_build_object(
        'id', a.id, 'md5', a.md5, 'tenantId', a.tenant_id, 'branchId', a.branch_id,
        'purpose', a.purpose, 'targetRef', a.target_ref,
        'amountMinor', a.amount_minor::text, 'currency', a.currency,
        'receiverAccountId', a.receiver_account_id,
        'issuedAt', to_json(a.issued_at), 'expiresAt', to_json(a.expires_at)) end as attempt
    from marked m
    left join events e on e.id = m.event_id
    left join payment_attempts a on a.id = e.attempt_id
  `;
  if (!marked) {
    // Already succeeded (a replay raced a retry) or gone: nothing to do.
    log.info({ dispatchId }, 'dispatch already succeeded; job skipped');
    return;
  }
  const handler = registry.byName(marked.handler);
  const fields = { dispatchId, handler: marked.handler, attempt };
  try {
    if (!handler)
      throw new Error(`no handler named ${marked.handler} is registered`);
    const { event, attempt: expected } = marked;
    if (!event || !expected)
      throw new Error(`dispatch ${dispatchId} has no resolved event`);
    const result: HandlerOutcome = await sql.begin(async (tx) => {
      const outcome = await handler.handle({
        dispatchId,
        event,
        attempt: expected,
        tx,
      });
      // A dispatch_failed anomaly of an earlier run is resolved with it.
      await tx`
        with succeeded as (
          update dispatches
             set status = 'succeeded', outcome = ${JSON.stringify(outcome)}::text::jsonb,
                 last_error = null, finished_at = now(), updated_at = now()
           where id = ${dispatchId}
        )
        update anomalies
           set status = 'resolved', resolved_at = now(), resolved_by = 'system',
               resolution_note = 'The dispatch succeeded on a later run.'
         where kind = 'dispatch_failed' and subject = ${dispatchId} and status <> 'resolved'
      `;
      return outcome;
    });
    recordRun(marked.handler, 'succeeded', started);
    log.info(
      {
        ...fields,
        eventId: event.id,
        tenantId: expected.tenantId,
        result: result.result,
        durationMs: elapsed(started),
      },
      `dispatch succeeded: ${result.result}`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await sql.begin(async (tx) => {
      const [row] = await tx<
        { tenantId: string; branchId: string | null; eventId: string }[]
      >`
        update dispatches
           set status = ${last ? 'dead' : 'failed'}, last_error = ${message.slice(0, 2000)},
               updated_at = now(), finished_at = case when ${last} then now() end
         where id = ${dispatchId}
        returning tenant_id as "tenantId", branch_id as "branchId", event_id as "eventId"
      `;
      if (last && row) {
        await raiseAnomaly(tx, {
          kind: 'dispatch_failed',
          tenantId: row.tenantId,
          branchId: row.branchId,
          eventId: row.eventId,
          subject: dispatchId,
          detail: {
            dispatchId,
            handler: marked.handler,
            attempts: attempt,
            lastError: message,
          },
        });
      }
    });
    recordRun(marked.handler, last ? 'dead' : 'failed', started);
    log.warn(
      { ...fields, err: error, dead: last, durationMs: elapsed(started) },
      last
        ? 'dispatch dead after its last attempt'
        : 'dispatch failed; the queue will retry',
    );
    throw error;
  }
}

function recordRun(handler: string, status: string, started: number) {
  recordDispatchRun({
    handler,
    status,
    seconds: (performance.now() - started) / 1000,
  });
}

const elapsed = (started: number) =>
  Math.round((performance.now() - started) * 10) / 10;
