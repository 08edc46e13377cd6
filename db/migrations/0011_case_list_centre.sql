CREATE TABLE "saved_filter" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"query" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_file" ADD COLUMN "current_warn_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "saved_filter_owner_name_idx" ON "saved_filter" USING btree ("owner_id","name");--> statement-breakpoint
CREATE INDEX "case_filed_idx" ON "case_file" USING btree ("filed_at");--> statement-breakpoint
CREATE INDEX "case_dispatched_idx" ON "case_file" USING btree ("dispatched_at");--> statement-breakpoint
CREATE INDEX "case_closed_idx" ON "case_file" USING btree ("closed_at");--> statement-breakpoint
-- Cases written before this column: the warning instant at the share in force, measured in clock
-- time (the exact working-time instant is written by the server at each later step of the case).
UPDATE "case_file" SET "current_warn_at" = "current_started_at" + ("current_due_at" - "current_started_at") * LEAST(1, GREATEST(0, COALESCE((SELECT ("value" #>> '{}')::float8 FROM "setting" WHERE "key" = 'case.warnShare'), 0.8)))
WHERE "current_due_at" IS NOT NULL AND "current_started_at" IS NOT NULL;
