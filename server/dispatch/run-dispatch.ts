import type { JobHelpers, Task } from 'graphile-worker';
import type { TransactionSql } from 'postgres';

import type { Sql } from '../../db/client';
import type { Logger } from '../logger';
import { getMetrics } from '../metrics/metrics';
import { raiseAnomaly } from './raise-anomaly';
import type { Registry } from './registry';
import type { DispatchedEvent, ExpectedAttempt, HandlerOutcome } from './types';

export const DISPATCH_TASK = 'dispatch';

type Loaded = {
  dispatch: { id: string; handler: string; eventId: string; status: string };
  event: DispatchedEvent;
  attempt: ExpectedAttempt;
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
  const [marked] = await sql<{ handler: string; status: string }[]>`
    update dispatches
       set status = 'running', attempts = ${attempt}, started_at = now(), updated_at = now()
     where id = ${dispatchId} and status <> 'succeeded'
    returning handler, status
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
    const outcome = await sql.begin(async (tx) => {
      const loaded = await load(tx, dispatchId);
      const result: HandlerOutcome = await handler.handle({
        dispatchId,
        event: loaded.event,
        attempt: loaded.attempt,
        tx,
      });
      await tx`
        update dispatches
           set status = 'succeeded', outcome = ${JSON.stringify(result)}::text::jsonb,
               last_error = null, finished_at = now(), updated_at = now()
         where id = ${dispatchId}
      `;
      await tx`
        update anomalies
           set status = 'resolved', resolved_at = now(), resolved_by = 'system',
               resolution_note = 'The dispatch succeeded on a later run.'
         where kind = 'dispatch_failed' and subject = ${dispatchId} and status <> 'resolved'
      `;
      return {
        result,
        tenantId: loaded.attempt.tenantId,
        eventId: loaded.event.id,
      };
    });
    recordRun(marked.handler, 'succeeded', started);
    log.info(
      {
        ...fields,
        eventId: outcome.eventId,
        tenantId: outcome.tenantId,
        result: outcome.result.result,
        durationMs: elapsed(started),
      },
      `dispatch succeeded: ${outcome.result.result}`,
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

async function load(tx: TransactionSql, dispatchId: string): Promise<Loaded> {
  const [row] = await tx<Loaded[]>`
    select
      json_build_object('id', d.id, 'handler', d.handler, 'eventId', d.event_id,
                        'status', d.status) as dispatch,
      json_build_object(
        'id', e.id, 'kind', e.kind, 'providerEventId', e.provider_event_id,
        'correlationKey', e.correlation_key, 'amountMinor', e.amount_minor::text,
        'currency', e.currency, 'receiverAccountId', e.receiver_account_id,
        'payerAccountId', e.payer_account_id,
        'occurredAt', to_json(e.occurred_at)) as event,
      json_build_object(
        'id', a.id, 'md5', a.md5, 'tenantId', a.tenant_id, 'branchId', a.branch_id,
        'purpose', a.purpose, 'targetRef', a.target_ref,
        'amountMinor', a.amount_minor::text, 'currency', a.currency,
        'receiverAccountId', a.receiver_account_id,
        'issuedAt', to_json(a.issued_at), 'expiresAt', to_json(a.expires_at)) as attempt
    from dispatches d
    join events e on e.id = d.event_id
    join payment_attempts a on a.id = e.attempt_id
    where d.id = ${dispatchId}
  `;
  if (!row) throw new Error(`dispatch ${dispatchId} has no resolved event`);
  return row;
}

function recordRun(handler: string, status: string, started: number) {
  const metrics = getMetrics();
  metrics.dispatchRuns.inc({ handler, status });
  metrics.dispatchSeconds.observe(
    { handler },
    (performance.now() - started) / 1000,
  );
}

const elapsed = (started: number) =>
  Math.round((performance.now() - started) * 10) / 10;
