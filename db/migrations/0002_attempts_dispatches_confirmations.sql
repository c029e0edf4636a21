CREATE TABLE "confirmations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"branch_id" text,
	"purpose" text NOT NULL,
	"target_ref" text NOT NULL,
	"attempt_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispatches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"handler" text NOT NULL,
	"tenant_id" text NOT NULL,
	"branch_id" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"last_error" text,
	"outcome" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "dispatches_status_check" CHECK (status in ('pending', 'running', 'succeeded', 'failed', 'dead'))
);
--> statement-breakpoint
CREATE TABLE "payment_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"md5" text NOT NULL,
	"tenant_id" text NOT NULL,
	"branch_id" text,
	"purpose" text NOT NULL,
	"target_ref" text NOT NULL,
	"attempt_ref" text,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"receiver_account_id" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"registered_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_attempts_purpose_check" CHECK (purpose in ('SALE', 'SUBSCRIPTION_INVOICE')),
	CONSTRAINT "payment_attempts_amount_check" CHECK (amount_minor > 0)
);
--> statement-breakpoint
ALTER TABLE "anomalies" DROP CONSTRAINT "anomalies_kind_check";--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "tenant_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "branch_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "attempt_id" uuid;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "confirmations" ADD CONSTRAINT "confirmations_attempt_id_payment_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."payment_attempts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confirmations" ADD CONSTRAINT "confirmations_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatches" ADD CONSTRAINT "dispatches_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "confirmations_one_per_target" ON "confirmations" USING btree ("tenant_id","purpose","target_ref");--> statement-breakpoint
CREATE INDEX "confirmations_event_id_idx" ON "confirmations" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "confirmations_attempt_id_idx" ON "confirmations" USING btree ("attempt_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dispatches_one_per_event_and_handler" ON "dispatches" USING btree ("event_id","handler");--> statement-breakpoint
CREATE INDEX "dispatches_tenant_created_at_idx" ON "dispatches" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "dispatches_status_created_at_idx" ON "dispatches" USING btree ("status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "payment_attempts_one_per_md5" ON "payment_attempts" USING btree ("md5");--> statement-breakpoint
CREATE INDEX "payment_attempts_target_idx" ON "payment_attempts" USING btree ("tenant_id","purpose","target_ref","issued_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "payment_attempts_tenant_created_at_idx" ON "payment_attempts" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_attempt_id_payment_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."payment_attempts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "anomalies_tenant_opened_at_idx" ON "anomalies" USING btree ("tenant_id","opened_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_tenant_created_at_idx" ON "events" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "anomalies" ADD CONSTRAINT "anomalies_kind_check" CHECK (kind in ('quarantined_delivery', 'conflicting_redelivery', 'unknown_payment', 'amount_mismatch', 'currency_mismatch', 'receiver_mismatch', 'superseded_attempt_paid', 'expired_attempt_paid', 'double_payment', 'dispatch_failed'));