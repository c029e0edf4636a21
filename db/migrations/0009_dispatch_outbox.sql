-- Dispatch jobs leave the recording transaction.
--
-- Until now resolve_event called graphile_worker.add_job for every dispatch
-- it created, inside the transaction that records the delivery. add_job ends
-- in a NOTIFY, and PostgreSQL serializes the commits of every transaction
-- that notified: under load the ingest path queued on that one lock.
--
-- Now a dispatch row is its own durable promise of a job (an outbox): the
-- recording transaction only inserts it with enqueued_at NULL, and the
-- worker's relay (server/dispatch/dispatch-relay.ts) moves such rows into
-- the queue in batches with enqueue_pending_dispatches(): one add_jobs call
-- and one NOTIFY per batch. A crash between the two loses nothing: the row
-- stays pending until a relay enqueues it.
--
-- Also: record_delivery writes a payment whose attempt is already known
-- resolved in its first insert (before, it inserted the event, then took
-- the correlation lock and updated the row, every index included).

ALTER TABLE "dispatches" ADD COLUMN "enqueued_at" timestamp with time zone;
--> statement-breakpoint

-- Every existing dispatch already had its job added with it.
UPDATE "dispatches" SET "enqueued_at" = "created_at";
--> statement-breakpoint

CREATE INDEX "dispatches_awaiting_queue_idx" ON "dispatches" USING btree ("created_at")
  WHERE "enqueued_at" IS NULL;
--> statement-breakpoint

-- The dispatch rows of a resolved event: one per handler the registry
-- names for its kind and the attempt's purpose. Returns how many it made.
CREATE OR REPLACE FUNCTION create_dispatches(
  p_event_id uuid,
  p_kind text,
  p_purpose text,
  p_tenant_id text,
  p_branch_id text,
  p_dispatch jsonb
) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
  v_created integer;
BEGIN
  INSERT INTO dispatches (event_id, handler, tenant_id, branch_id, max_attempts)
  SELECT p_event_id, route->>'handler', p_tenant_id, p_branch_id,
         (route->>'maxAttempts')::integer
    FROM jsonb_array_elements(
      coalesce(p_dispatch->'routes'->(p_kind || ':' || p_purpose), '[]'::jsonb)
    ) AS routes(route)
  ON CONFLICT (event_id, handler) DO NOTHING;
  GET DIAGNOSTICS v_created = ROW_COUNT;
  RETURN v_created;
END;
$$;
--> statement-breakpoint

-- As in 0003, without the job: resolves an event that arrived before its
-- attempt, and returns how many dispatches it created.
CREATE OR REPLACE FUNCTION resolve_event(
  p_event_id uuid,
  p_attempt_id uuid,
  p_dispatch jsonb
) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
  v_event events%ROWTYPE;
  v_attempt payment_attempts%ROWTYPE;
BEGIN
  SELECT * INTO v_attempt FROM payment_attempts WHERE id = p_attempt_id;
  UPDATE events
     SET tenant_id = v_attempt.tenant_id,
         branch_id = v_attempt.branch_id,
         attempt_id = v_attempt.id,
         resolved_at = now()
   WHERE id = p_event_id AND tenant_id IS NULL
  RETURNING * INTO v_event;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;

  -- Anomalies raised before the tenant was known become visible to it.
  UPDATE anomalies
     SET tenant_id = v_attempt.tenant_id, branch_id = v_attempt.branch_id
   WHERE event_id = p_event_id AND tenant_id IS NULL;

  RETURN create_dispatches(
    p_event_id, v_event.kind, v_attempt.purpose, v_attempt.tenant_id,
    v_attempt.branch_id, p_dispatch
  );
END;
$$;
--> statement-breakpoint

DROP FUNCTION IF EXISTS record_delivery(jsonb, bytea, jsonb, jsonb, jsonb);
--> statement-breakpoint

-- As in 0003, and:
-- - the delivery carries its event's tenant (0008): a new event is resolved
--   before its delivery row is written, and a repeat of a known event reads
--   the event's tenant FOR SHARE (see below);
-- - a payment whose attempt is already registered (nearly every one) is
--   written resolved, with its dispatches, in one pass: no correlation
--   lock, no second version of the event row;
-- - p_deadline: past it the record is refused (SQLSTATE 57014) and rolls
--   back, so a delivery the gateway has given up on (answered 503) never
--   commits later. Null: no deadline.
CREATE OR REPLACE FUNCTION record_delivery(
  p_delivery jsonb,
  p_body bytea,
  p_event jsonb,
  p_anomaly jsonb,
  p_dispatch jsonb,
  p_deadline timestamptz
) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_delivery_id uuid := gen_random_uuid();
  v_event_id uuid;
  v_new_event boolean := false;
  v_attempt_id uuid;
  v_tenant_id text;
  v_outcome text := p_delivery->>'outcome';
  v_reason text := p_delivery->>'reason';
  v_status smallint := (p_delivery->>'statusCode')::smallint;
  v_existing events%ROWTYPE;
  v_known payment_attempts%ROWTYPE;
BEGIN
  IF p_event IS NOT NULL THEN
    -- A registered attempt never changes: when it is already there, the
    -- event is written resolved at once, with no lock and no second write.
    SELECT * INTO v_known FROM payment_attempts
     WHERE md5 = p_event->'correlation'->>'key';
    INSERT INTO events AS e (
      provider, kind, provider_event_id, correlation_key, amount_minor,
      currency, receiver_account_id, payer_account_id, occurred_at,
      acknowledged_at, normalized, tenant_id, branch_id, attempt_id,
      resolved_at
    ) VALUES (
      p_event->>'provider',
      p_event->>'kind',
      p_event->>'providerEventId',
      p_event->'correlation'->>'key',
      (p_event->'proof'->>'amountMinor')::bigint,
      p_event->'proof'->>'currency',
      p_event->'proof'->>'receiverAccountId',
      p_event->'proof'->>'payerAccountId',
      (p_event->>'occurredAt')::timestamptz,
      (p_event->'proof'->>'acknowledgedAt')::timestamptz,
      p_event,
      v_known.tenant_id,
      v_known.branch_id,
      v_known.id,
      CASE WHEN v_known.id IS NOT NULL THEN now() END
    )
    ON CONFLICT (provider, kind, provider_event_id) DO NOTHING
    RETURNING e.id INTO v_event_id;

    IF v_event_id IS NOT NULL THEN
      v_new_event := true;
      v_outcome := 'accepted';
      v_reason := NULL;
      v_status := 200;
    ELSE
      -- A concurrent insert of the same payment has committed by now: the
      -- unique index made ON CONFLICT wait for it, and this statement sees it.
      SELECT * INTO v_existing FROM events e
       WHERE e.provider = p_event->>'provider'
         AND e.kind = p_event->>'kind'
         AND e.provider_event_id = p_event->>'providerEventId';
      v_event_id := v_existing.id;
      IF v_existing.correlation_key = p_event->'correlation'->>'key'
         AND v_existing.amount_minor = (p_event->'proof'->>'amountMinor')::bigint
         AND v_existing.currency = p_event->'proof'->>'currency'
         AND v_existing.receiver_account_id =
             p_event->'proof'->>'receiverAccountId'
         AND v_existing.occurred_at = (p_event->>'occurredAt')::timestamptz
      THEN
        v_outcome := 'duplicate';
        v_reason := NULL;
        v_status := 200;
      ELSE
        v_outcome := 'quarantined';
        v_reason := 'conflicting_redelivery';
        v_status := 202;
      END IF;
    END IF;
  END IF;

  IF v_new_event AND v_known.id IS NOT NULL THEN
    v_attempt_id := v_known.id;
    v_tenant_id := v_known.tenant_id;
    PERFORM create_dispatches(
      v_event_id, p_event->>'kind', v_known.purpose, v_known.tenant_id,
      v_known.branch_id, p_dispatch
    );
  ELSIF v_new_event THEN
    -- Unknown a moment ago: its registration may be committing right now.
    -- Under the lock the registration holds, look again; a registration
    -- that comes later finds this event and resolves it itself.
    PERFORM lock_correlation(p_event->'correlation'->>'key');
    SELECT id INTO v_attempt_id FROM payment_attempts
     WHERE md5 = p_event->'correlation'->>'key';
    IF v_attempt_id IS NOT NULL THEN
      PERFORM resolve_event(v_event_id, v_attempt_id, p_dispatch);
    END IF;
    SELECT tenant_id INTO v_tenant_id FROM events WHERE id = v_event_id;
  ELSIF v_event_id IS NOT NULL THEN
    -- FOR SHARE conflicts with resolve_event's UPDATE of the event: this
    -- waits for a registration resolving it right now and reads the tenant
    -- it gave, or the registration waits for this delivery and then sees
    -- it. (Not the correlation lock: repeats of one payment would queue on
    -- it one by one.)
    SELECT tenant_id INTO v_tenant_id FROM events
     WHERE id = v_event_id FOR SHARE;
  END IF;

  INSERT INTO deliveries (
    id, provider, received_at, request_id, remote_address, method, headers,
    message_id, signed_at, body, body_bytes, body_truncated, body_sha256,
    fingerprint, secret_id, outcome, reason, detail, status_code, event_id,
    tenant_id
  ) VALUES (
    v_delivery_id,
    p_delivery->>'provider',
    (p_delivery->>'receivedAt')::timestamptz,
    p_delivery->>'requestId',
    p_delivery->>'remoteAddress',
    p_delivery->>'method',
    p_delivery->'headers',
    p_delivery->>'messageId',
    (p_delivery->>'signedAt')::timestamptz,
    p_body,
    (p_delivery->>'bodyBytes')::integer,
    (p_delivery->>'bodyTruncated')::boolean,
    p_delivery->>'bodySha256',
    p_delivery->>'fingerprint',
    p_delivery->>'secretId',
    v_outcome,
    v_reason,
    CASE WHEN v_reason IS NOT DISTINCT FROM p_delivery->>'reason'
         THEN p_delivery->>'detail' END,
    v_status,
    v_event_id,
    v_tenant_id
  );

  IF v_new_event AND v_attempt_id IS NULL THEN
    INSERT INTO anomalies (kind, event_id, delivery_id, subject, detail)
    VALUES (
      'unknown_payment',
      v_event_id,
      v_delivery_id,
      v_event_id::text,
      jsonb_build_object(
        'expected', jsonb_build_object('md5', p_event->'correlation'->>'key'),
        'received', p_event->'proof'
      )
    )
    ON CONFLICT (kind, subject) WHERE status <> 'resolved' DO NOTHING;
  END IF;

  IF v_reason = 'conflicting_redelivery' THEN
    INSERT INTO anomalies AS a (
      kind, tenant_id, branch_id, event_id, delivery_id, subject, detail
    )
    VALUES (
      'conflicting_redelivery',
      v_existing.tenant_id,
      v_existing.branch_id,
      v_event_id,
      v_delivery_id,
      v_event_id::text,
      jsonb_build_object(
        'expected', v_existing.normalized->'proof',
        'received', p_event->'proof'
      )
    )
    ON CONFLICT (kind, subject) WHERE status <> 'resolved'
    DO UPDATE SET occurrences = a.occurrences + 1, last_seen_at = now(),
                  delivery_id = excluded.delivery_id;
  ELSIF p_anomaly IS NOT NULL THEN
    INSERT INTO anomalies AS a (kind, event_id, delivery_id, subject, detail)
    VALUES (
      p_anomaly->>'kind',
      v_event_id,
      v_delivery_id,
      coalesce(v_event_id::text, p_delivery->>'bodySha256'),
      coalesce(p_anomaly->'detail', '{}'::jsonb)
    )
    ON CONFLICT (kind, subject) WHERE status <> 'resolved'
    DO UPDATE SET occurrences = a.occurrences + 1, last_seen_at = now(),
                  delivery_id = excluded.delivery_id;
  END IF;

  IF clock_timestamp() > p_deadline THEN
    RAISE EXCEPTION 'the delivery was not recorded before its deadline (%)',
      p_deadline USING ERRCODE = '57014';
  END IF;

  RETURN jsonb_build_object(
    'deliveryId', v_delivery_id,
    'eventId', v_event_id,
    'outcome', v_outcome,
    'reason', v_reason,
    'statusCode', v_status
  );
END;
$$;

--> statement-breakpoint

-- Moves up to p_limit dispatches that have no job yet into the queue, oldest
-- first, and returns how many it moved. Relays in several processes share
-- the rows (SKIP LOCKED); the job key makes a second add harmless anyway.
CREATE OR REPLACE FUNCTION enqueue_pending_dispatches(p_limit integer) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
  v_ids uuid[];
  v_specs graphile_worker.job_spec[];
BEGIN
  SELECT array_agg(id),
         array_agg(ROW('dispatch', json_build_object('dispatchId', id), NULL, NULL,
                       max_attempts, 'dispatch:' || id, NULL, NULL)::graphile_worker.job_spec)
    INTO v_ids, v_specs
    FROM (
      SELECT id, max_attempts FROM dispatches
       WHERE enqueued_at IS NULL
       ORDER BY created_at
       LIMIT p_limit
         FOR UPDATE SKIP LOCKED
    ) AS pending;
  IF v_ids IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM graphile_worker.add_jobs(v_specs);
  UPDATE dispatches SET enqueued_at = now() WHERE id = ANY (v_ids);
  RETURN cardinality(v_ids);
END;
$$;
