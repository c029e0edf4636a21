-- Custom migration (drizzle-kit generate --custom): as in 0003, plus the
-- supersession check when a newer QR of an already paid target arrives.
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
