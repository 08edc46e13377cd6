CREATE TABLE "callback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"case_closed_at" timestamp with time zone NOT NULL,
	"district_code" text NOT NULL,
	"unit_id" uuid,
	"channels" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"last_attempt_note" text,
	"satisfaction_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "satisfaction" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"case_closed_at" timestamp with time zone NOT NULL,
	"district_code" text NOT NULL,
	"unit_id" uuid,
	"source" text NOT NULL,
	"result" text NOT NULL,
	"note" text,
	"callback_id" uuid,
	"reopened" boolean DEFAULT false NOT NULL,
	"recorded_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "callback" ADD CONSTRAINT "callback_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction" ADD CONSTRAINT "satisfaction_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "callback_case_closing_uq" ON "callback" USING btree ("case_id","case_closed_at");--> statement-breakpoint
CREATE INDEX "callback_status_district_idx" ON "callback" USING btree ("status","district_code","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_case_source_closing_uq" ON "satisfaction" USING btree ("case_id","source","case_closed_at");--> statement-breakpoint
CREATE INDEX "satisfaction_case_idx" ON "satisfaction" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "satisfaction_district_idx" ON "satisfaction" USING btree ("district_code","created_at");--> statement-breakpoint
CREATE INDEX "satisfaction_unit_idx" ON "satisfaction" USING btree ("unit_id","created_at");