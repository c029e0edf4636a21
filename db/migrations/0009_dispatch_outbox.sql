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

ALTER TABLE "dispatches" ADD COLUMN "enqueued_at" timestamp with time zone;
--> statement-breakpoint

-- Every existing dispatch already had its job added with it.
UPDATE "dispatches" SET "enqueued_at" = "created_at";
--> statement-breakpoint

CREATE INDEX "dispatches_awaiting_queue_idx" ON "dispatches" USING btree ("created_at")
  WHERE "enqueued_at" IS NULL;
--> statement-breakpoint

-- As in 0003, without the job: returns how many dispatches it created.
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
  v_created integer;
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

  INSERT INTO dispatches (event_id, handler, tenant_id, branch_id, max_attempts)
  SELECT p_event_id, route->>'handler', v_attempt.tenant_id, v_attempt.branch_id,
         (route->>'maxAttempts')::integer
    FROM jsonb_array_elements(
      coalesce(p_dispatch->'routes'->(v_event.kind || ':' || v_attempt.purpose), '[]'::jsonb)
    ) AS routes(route)
  ON CONFLICT (event_id, handler) DO NOTHING;
  GET DIAGNOSTICS v_created = ROW_COUNT;
  RETURN v_created;
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
