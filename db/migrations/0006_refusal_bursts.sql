CREATE TABLE "refusal_bursts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"remote_address" text NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"last_refused_at" timestamp with time zone NOT NULL,
	"refused" integer NOT NULL,
	"reasons" jsonb NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "refusal_bursts_one_per_address_and_window" ON "refusal_bursts" USING btree ("remote_address","window_started_at");--> statement-breakpoint
CREATE INDEX "refusal_bursts_window_started_at_idx" ON "refusal_bursts" USING btree ("window_started_at" DESC NULLS LAST);