CREATE TABLE "warning" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"subject_name" text NOT NULL,
	"district_code" text NOT NULL,
	"family" text DEFAULT '' NOT NULL,
	"observed" integer NOT NULL,
	"baseline" double precision NOT NULL,
	"rule" jsonb NOT NULL,
	"explanation_zh" text NOT NULL,
	"explanation_en" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "warning_live_uq" ON "warning" USING btree ("kind","subject_type","subject_id","family","district_code") WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX "warning_district_state_idx" ON "warning" USING btree ("district_code","state","last_seen_at");--> statement-breakpoint
CREATE INDEX "warning_state_idx" ON "warning" USING btree ("state","last_seen_at");