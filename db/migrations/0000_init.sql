CREATE TABLE "anomalies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"tenant_id" text,
	"branch_id" text,
	"event_id" uuid,
	"delivery_id" uuid,
	"subject" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution_note" text,
	CONSTRAINT "anomalies_kind_check" CHECK (kind in ('quarantined_delivery', 'conflicting_redelivery')),
	CONSTRAINT "anomalies_status_check" CHECK (status in ('open', 'acknowledged', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"request_id" text,
	"remote_address" text,
	"method" text NOT NULL,
	"headers" jsonb NOT NULL,
	"message_id" text,
	"signed_at" timestamp with time zone,
	"body" "bytea",
	"body_bytes" integer NOT NULL,
	"body_truncated" boolean DEFAULT false NOT NULL,
	"body_sha256" text NOT NULL,
	"fingerprint" text,
	"secret_id" text,
	"outcome" text NOT NULL,
	"reason" text,
	"detail" text,
	"status_code" smallint NOT NULL,
	"event_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_outcome_check" CHECK (outcome in ('accepted', 'duplicate', 'quarantined', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"kind" text NOT NULL,
	"provider_event_id" text NOT NULL,
	"correlation_key" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"receiver_account_id" text NOT NULL,
	"payer_account_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"normalized" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "anomalies" ADD CONSTRAINT "anomalies_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anomalies" ADD CONSTRAINT "anomalies_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "anomalies_one_open_per_subject" ON "anomalies" USING btree ("kind","subject") WHERE status <> 'resolved';--> statement-breakpoint
CREATE INDEX "anomalies_status_opened_at_idx" ON "anomalies" USING btree ("status","opened_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "anomalies_event_id_idx" ON "anomalies" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "anomalies_delivery_id_idx" ON "anomalies" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "deliveries_received_at_idx" ON "deliveries" USING btree ("received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "deliveries_event_id_idx" ON "deliveries" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "deliveries_message_id_idx" ON "deliveries" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "deliveries_outcome_received_at_idx" ON "deliveries" USING btree ("outcome","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "events_one_per_payment" ON "events" USING btree ("provider","kind","provider_event_id");--> statement-breakpoint
CREATE INDEX "events_correlation_key_idx" ON "events" USING btree ("correlation_key");--> statement-breakpoint
CREATE INDEX "events_created_at_idx" ON "events" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);