CREATE TABLE "classifier_sample" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"matter_code" text NOT NULL,
	"text" text NOT NULL,
	"text_key" text NOT NULL,
	"voice" text,
	"suggested_code" text,
	"case_id" uuid,
	"district_code" text,
	"created_by" uuid,
	"created_by_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	"retired_by" uuid,
	"retired_reason" text,
	"rev" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classifier_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"instance" uuid NOT NULL,
	"rev" bigint DEFAULT 0 NOT NULL,
	"seed_checksum" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "classifier_sample_rev_idx" ON "classifier_sample" USING btree ("rev");--> statement-breakpoint
CREATE INDEX "classifier_sample_code_idx" ON "classifier_sample" USING btree ("matter_code","created_at");--> statement-breakpoint
CREATE INDEX "classifier_sample_district_idx" ON "classifier_sample" USING btree ("district_code","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "classifier_sample_seed_uq" ON "classifier_sample" USING btree ("text_key","matter_code") WHERE source = 'seed' AND retired_at IS NULL;