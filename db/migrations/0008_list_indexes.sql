-- Custom migration, written by hand: console lists that do not grow with the
-- tables.
--
-- 1. deliveries.tenant_id: a delivery's tenant is its event's (null with no
--    event, or while the event waits for its payment attempt), kept on the
--    delivery so that a tenant's list is one index range instead of a join
--    that reads every delivery. record_delivery sets it at arrival and
--    register_payment_attempt when a late registration resolves the event.
-- 2. Indexes in the lists' keyset order (time desc, id desc), and for each
--    value the search matches, so that a search is a few index lookups.
--
-- The migrator runs every pending migration in one transaction, so CREATE
-- INDEX CONCURRENTLY is not possible here: each CREATE INDEX below blocks
-- writes to its table while it builds (a few seconds per index at a million
-- deliveries) and the backfill rewrites every delivery with an event. On a
-- large production table, run the backfill in batches and create the
-- indexes with CREATE INDEX CONCURRENTLY out of band first (same names):
-- the IF NOT EXISTS below then finds them done.

ALTER TABLE "deliveries" ADD COLUMN "tenant_id" text;
--> statement-breakpoint

-- Set-based, before the indexes exist, so no index is maintained row by row.
UPDATE "deliveries" AS d
   SET "tenant_id" = e."tenant_id"
  FROM "events" AS e
 WHERE e."id" = d."event_id" AND e."tenant_id" IS NOT NULL;
--> statement-breakpoint

CREATE INDEX IF NOT EXISTS "deliveries_tenant_received_at_idx" ON "deliveries"
  USING btree ("tenant_id", "received_at" DESC NULLS LAST, "id" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deliveries_body_sha256_idx" ON "deliveries"
  USING btree ("body_sha256");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deliveries_fingerprint_idx" ON "deliveries"
  USING btree ("fingerprint");
--> statement-breakpoint
-- events_one_per_payment leads with provider and kind: no use for a search
-- by transaction hash alone.
CREATE INDEX IF NOT EXISTS "events_provider_event_id_idx" ON "events"
  USING btree ("provider_event_id");
--> statement-breakpoint

-- The anomaly queue pages by (opened_at, id); the old indexes lacked the id
-- (and the unfiltered list had none), so every page sorted the whole queue.
CREATE INDEX IF NOT EXISTS "anomalies_opened_at_idx" ON "anomalies"
  USING btree ("opened_at" DESC NULLS LAST, "id" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "anomalies_tenant_opened_at_id_idx" ON "anomalies"
  USING btree ("tenant_id", "opened_at" DESC NULLS LAST, "id" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "anomalies_status_opened_at_id_idx" ON "anomalies"
  USING btree ("status", "opened_at" DESC NULLS LAST, "id" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "anomalies_subject_idx" ON "anomalies"
  USING btree ("subject");
--> statement-breakpoint
-- Superseded by the two above, which lead with the same columns.
DROP INDEX IF EXISTS "anomalies_tenant_opened_at_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "anomalies_status_opened_at_idx";
--> statement-breakpoint

-- As in 0003, and now the delivery carries its event's tenant. A new event
-- is resolved before its delivery row is written, so the row is written
-- once, with the tenant resolve_event gave the event. A repeat of a known
-- event reads the event's tenant FOR SHARE (see below).
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
  v_tenant_id text;
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

  IF v_new_event THEN
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

-- As in 0007, and the deliveries of the events a late registration resolves
-- take the tenant resolve_event gave their event.
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

  -- Supersession follows issuedAt, not arrival: a target already paid
  -- through an older QR was paid on a superseded one. The target lock pairs
  -- with the one the handlers take before they confirm.
  PERFORM pg_advisory_xact_lock(hashtextextended(
    'target:' || v_attempt.tenant_id || '/' || v_attempt.purpose || '/'
      || v_attempt.target_ref, 0));
  INSERT INTO anomalies (kind, tenant_id, branch_id, event_id, subject, detail)
  SELECT 'superseded_attempt_paid', c.tenant_id, c.branch_id, c.event_id,
         c.event_id::text,
         jsonb_build_object(
           'expected', jsonb_build_object('md5', v_attempt.md5,
                                          'issuedAt', v_attempt.issued_at),
           'received', jsonb_build_object('md5', pa.md5, 'issuedAt', pa.issued_at),
           'targetRef', c.target_ref, 'purpose', c.purpose)
    FROM confirmations c JOIN payment_attempts pa ON pa.id = c.attempt_id
   WHERE c.tenant_id = v_attempt.tenant_id AND c.purpose = v_attempt.purpose
     AND c.target_ref = v_attempt.target_ref
     AND pa.issued_at < v_attempt.issued_at
  ON CONFLICT (kind, subject) WHERE status <> 'resolved' DO NOTHING;

  FOR v_event_id IN
    SELECT id FROM events WHERE correlation_key = v_md5 AND tenant_id IS NULL
  LOOP
    PERFORM resolve_event(v_event_id, v_attempt.id, p_dispatch);
    UPDATE deliveries AS d
       SET tenant_id = e.tenant_id
      FROM events AS e
     WHERE e.id = v_event_id AND d.event_id = e.id
       AND d.tenant_id IS DISTINCT FROM e.tenant_id;
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
