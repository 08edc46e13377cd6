CREATE TABLE "hotline_call" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"line" text NOT NULL,
	"caller_number" text NOT NULL,
	"caller_name" text,
	"seat" text,
	"district_code" text,
	"external_id" text,
	"posted_by" text NOT NULL,
	"status" text DEFAULT 'ringing' NOT NULL,
	"operator_id" uuid,
	"kind" text,
	"note" text,
	"knowledge_entry_id" uuid,
	"case_id" uuid,
	"report_id" uuid,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"hung_up_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hotline_seat" (
	"seat" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"lines" jsonb NOT NULL,
	"district_code" text,
	"signed_in_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_entry" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"category" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"title_gram_count" integer NOT NULL,
	"answered_count" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_gram" (
	"gram" text NOT NULL,
	"entry_id" uuid NOT NULL,
	"part" text NOT NULL,
	CONSTRAINT "knowledge_gram_gram_entry_id_part_pk" PRIMARY KEY("gram","entry_id","part")
);
--> statement-breakpoint
ALTER TABLE "hotline_call" ADD CONSTRAINT "hotline_call_case_id_case_file_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."case_file"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_gram" ADD CONSTRAINT "knowledge_gram_entry_id_knowledge_entry_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."knowledge_entry"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hotline_call_caller_idx" ON "hotline_call" USING btree ("caller_number","started_at");--> statement-breakpoint
CREATE INDEX "hotline_call_status_idx" ON "hotline_call" USING btree ("status","started_at");--> statement-breakpoint
CREATE INDEX "hotline_call_started_idx" ON "hotline_call" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "hotline_call_district_idx" ON "hotline_call" USING btree ("district_code","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "hotline_call_external_uq" ON "hotline_call" USING btree ("posted_by","external_id") WHERE external_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "hotline_seat_user_uq" ON "hotline_seat" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "knowledge_entry_category_idx" ON "knowledge_entry" USING btree ("category");--> statement-breakpoint
CREATE INDEX "knowledge_gram_entry_idx" ON "knowledge_gram" USING btree ("entry_id");