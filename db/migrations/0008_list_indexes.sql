-- Custom migration, written by hand: console lists that do not grow with the
-- tables.
--
-- 1. deliveries.tenant_id: a delivery's tenant is its event's (null with no
--    event, or while the event waits for its payment attempt), kept on the
--    delivery so that a tenant's list is one index range instead of a join
--    that reads every delivery. record_delivery (redefined in 0009) sets
--    it at arrival, register_payment_attempt when a late registration
--    resolves the event.
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
