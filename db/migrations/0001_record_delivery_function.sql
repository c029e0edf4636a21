-- Records one delivery, its event and any anomaly it raises in one call, so
-- that the ingest path costs one database round trip and stays atomic.
--
-- p_delivery: the delivery's metadata (camelCase keys, see
--   server/ingest/record-delivery.ts); its outcome and reason stand unless
--   p_event is given, in which case the event decides them.
-- p_body:     the bytes kept for the delivery.
-- p_event:    the normalized event, or null when there is none.
-- p_anomaly:  {kind, detail} to raise for this delivery, or null.
--
-- Returns {deliveryId, eventId, outcome, reason}.
CREATE OR REPLACE FUNCTION record_delivery(
  p_delivery jsonb,
  p_body bytea,
  p_event jsonb,
  p_anomaly jsonb
) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_delivery_id uuid := gen_random_uuid();
  v_event_id uuid;
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

  IF v_reason = 'conflicting_redelivery' THEN
    INSERT INTO anomalies AS a (kind, event_id, delivery_id, subject, detail)
    VALUES (
      'conflicting_redelivery',
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
