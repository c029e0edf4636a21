-- Tenant resolution and dispatch, inside the transaction that resolves an
-- event: the recording of its delivery, or the registration of its payment
-- attempt when that arrives later. A resolved event is never committed
-- without its dispatch rows and their graphile-worker jobs.
--
-- p_dispatch: the handler registry as data, from server/dispatch/registry.ts:
--   {"routes": {"PAYMENT_CONFIRMED:SALE": [{"handler": "...", "maxAttempts": 8}]}}

-- Serializes everything that looks up or registers one KHQR md5, so a
-- delivery and a registration racing each other cannot both miss.
CREATE OR REPLACE FUNCTION lock_correlation(p_key text) RETURNS void
LANGUAGE sql
AS $$
  SELECT pg_advisory_xact_lock(hashtextextended('correlation:' || p_key, 0));
$$;
--> statement-breakpoint

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
  v_route jsonb;
  v_dispatch_id uuid;
  v_jobs integer := 0;
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

  FOR v_route IN
    SELECT value FROM jsonb_array_elements(
      coalesce(p_dispatch->'routes'->(v_event.kind || ':' || v_attempt.purpose), '[]'::jsonb)
    )
  LOOP
    INSERT INTO dispatches (event_id, handler, tenant_id, branch_id, max_attempts)
    VALUES (
      p_event_id,
      v_route->>'handler',
      v_attempt.tenant_id,
      v_attempt.branch_id,
      (v_route->>'maxAttempts')::integer
    )
    ON CONFLICT (event_id, handler) DO NOTHING
    RETURNING id INTO v_dispatch_id;
    IF v_dispatch_id IS NOT NULL THEN
      PERFORM graphile_worker.add_job(
        'dispatch',
        json_build_object('dispatchId', v_dispatch_id),
        max_attempts := (v_route->>'maxAttempts')::integer,
        job_key := 'dispatch:' || v_dispatch_id
      );
      v_jobs := v_jobs + 1;
    END IF;
  END LOOP;
  RETURN v_jobs;
END;
$$;
--> statement-breakpoint

DROP FUNCTION IF EXISTS record_delivery(jsonb, bytea, jsonb, jsonb);
--> statement-breakpoint

-- As in 0001, and now: a new event is resolved to the payment attempt its
-- correlation key names and dispatched, or flagged as an unknown payment.
CREATE OR REPLACE FUNCTION record_delivery(
  p_delivery jsonb,
  p_body bytea,
  p_event jsonb,
  p_anomaly jsonb,
  p_dispatch jsonb
) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_delivery_id uuid := gen_random_uuid();
  v_event_id uuid;
  v_new_event boolean := false;
  v_attempt_id uuid;
  v_outcome text := p_delivery->>'outcome';
  v_reason text := p_delivery->>'reason';
  v_status smallint := (p_delivery->>'statusCode')::smallint;
  v_existing events%ROWTYPE;
BEGIN
  IF p_event IS NOT NULL THEN
    INSERT INTO events AS e (
      provider, kind, provider_event_id, correlation_key, amount_minor,
      currency, receiver_account_id, payer_account_id, occurred_at,
      acknowledged_at, normalized
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
      p_event
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

  INSERT INTO deliveries (
    id, provider, received_at, request_id, remote_address, method, headers,
    message_id, signed_at, body, body_bytes, body_truncated, body_sha256,
    fingerprint, secret_id, outcome, reason, detail, status_code, event_id
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
    v_event_id
  );

  IF v_new_event THEN
    PERFORM lock_correlation(p_event->'correlation'->>'key');
    SELECT id INTO v_attempt_id FROM payment_attempts
     WHERE md5 = p_event->'correlation'->>'key';
    IF v_attempt_id IS NOT NULL THEN
      PERFORM resolve_event(v_event_id, v_attempt_id, p_dispatch);
    ELSE
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

-- Registers what Modula expects to be paid. The same md5 with the same
-- content is a no-op; with other content it is refused as a conflict. Events
-- that arrived before it are resolved and dispatched here, and their
-- unknown-payment anomalies are resolved by the system.
--
-- Returns {status: registered|unchanged|conflict, attemptId, resolvedEvents}.
CREATE OR REPLACE FUNCTION register_payment_attempt(
  p_attempt jsonb,
  p_dispatch jsonb
) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_md5 text := p_attempt->>'md5';
  v_attempt payment_attempts%ROWTYPE;
  v_event_id uuid;
  v_resolved integer := 0;
BEGIN
  PERFORM lock_correlation(v_md5);
  INSERT INTO payment_attempts AS pa (
    md5, tenant_id, branch_id, purpose, target_ref, attempt_ref, amount_minor,
    currency, receiver_account_id, issued_at, expires_at, registered_by
  ) VALUES (
    v_md5,
    p_attempt->>'tenantId',
    p_attempt->>'branchId',
    p_attempt->>'purpose',
    p_attempt->>'targetRef',
    p_attempt->>'attemptRef',
    (p_attempt->>'amountMinor')::bigint,
    p_attempt->>'currency',
    p_attempt->>'receiverAccountId',
    coalesce((p_attempt->>'issuedAt')::timestamptz, now()),
    (p_attempt->>'expiresAt')::timestamptz,
    p_attempt->>'registeredBy'
  )
  ON CONFLICT (md5) DO NOTHING
  RETURNING * INTO v_attempt;

  IF NOT FOUND THEN
    SELECT * INTO v_attempt FROM payment_attempts WHERE md5 = v_md5;
    RETURN jsonb_build_object(
      'attemptId', v_attempt.id,
      'resolvedEvents', 0,
      'status', CASE WHEN
            v_attempt.tenant_id = p_attempt->>'tenantId'
        AND v_attempt.branch_id IS NOT DISTINCT FROM p_attempt->>'branchId'
        AND v_attempt.purpose = p_attempt->>'purpose'
        AND v_attempt.target_ref = p_attempt->>'targetRef'
        AND v_attempt.attempt_ref IS NOT DISTINCT FROM p_attempt->>'attemptRef'
        AND v_attempt.amount_minor = (p_attempt->>'amountMinor')::bigint
        AND v_attempt.currency = p_attempt->>'currency'
        AND v_attempt.receiver_account_id = p_attempt->>'receiverAccountId'
        AND v_attempt.expires_at IS NOT DISTINCT FROM
            (p_attempt->>'expiresAt')::timestamptz
        -- A retried registration that left issuedAt to the server matches.
        AND (p_attempt->>'issuedAt' IS NULL
             OR v_attempt.issued_at = (p_attempt->>'issuedAt')::timestamptz)
      THEN 'unchanged' ELSE 'conflict' END
    );
  END IF;

  FOR v_event_id IN
    SELECT id FROM events WHERE correlation_key = v_md5 AND tenant_id IS NULL
  LOOP
    PERFORM resolve_event(v_event_id, v_attempt.id, p_dispatch);
    UPDATE anomalies
       SET status = 'resolved',
           resolved_at = now(),
           resolved_by = 'system',
           resolution_note = 'The payment attempt was registered after its '
             || 'payment arrived; the event is now resolved and dispatched.'
     WHERE kind = 'unknown_payment' AND event_id = v_event_id
       AND status <> 'resolved';
    v_resolved := v_resolved + 1;
  END LOOP;

  RETURN jsonb_build_object(
    'status', 'registered',
    'attemptId', v_attempt.id,
    'resolvedEvents', v_resolved
  );
END;
$$;
