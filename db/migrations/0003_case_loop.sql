CREATE SEQUENCE "public"."case_code_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "calendar_day" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text,
	"source" text DEFAULT 'chinese-days' NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setting" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_file" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"state" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"channel" text NOT NULL,
	"description" text NOT NULL,
	"address" text,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"grid_id" text NOT NULL,
	"community_code" text NOT NULL,
	"township_code" text NOT NULL,
	"district_code" text NOT NULL,
	"area_class" text NOT NULL,
	"matter_kind" text,
	"matter_code" text,
	"component_id" text,
	"standard_id" uuid,
	"filing_condition_id" text,
	"urgency" text DEFAULT 'normal' NOT NULL,
	"important" boolean DEFAULT false NOT NULL,
	"act_first" boolean DEFAULT false NOT NULL,
	"case_level" text DEFAULT 'district' NOT NULL,
	"pending" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"check_result" text,
	"suggested_unit_id" uuid,
	"suggested_rule_id" uuid,
	"unit_id" uuid,
	"merged_into" uuid,
	"current_stage" text,
	"current_started_at" timestamp with time zone,
	"current_due_at" timestamp with time zone,
	"current_limit_unit" text,
	"rework_count" integer DEFAULT 0 NOT NULL,
	"urge_count" integer DEFAULT 0 NOT NULL,
	"rating" integer,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"filed_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "case_file_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "case_stage" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"limit_amount" double precision NOT NULL,
	"limit_unit" text NOT NULL,
	"paused_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"warned_at" timestamp with time zone,
	"overdue_at" timestamp with time zone,
	"extended" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_task" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"district_code" text NOT NULL,
	"assignee_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"result" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "case_timer" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "case_timer_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"case_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	"fired_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "photo" (
	"id" text PRIMARY KEY NOT NULL,
	"mime" text NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer,
	"height" integer,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"submitter" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"channel" text NOT NULL,
	"description" text NOT NULL,
	"raw_lng" double precision NOT NULL,
	"raw_lat" double precision NOT NULL,
	"crs" text NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reporter_name" text,
	"reporter_phone" text,
	"case_id" uuid NOT NULL,
	"merged" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"case_id" uuid,
	"kind" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" bigint NOT NULL,
	"org_id" uuid NOT NULL,
	"case_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_endpoint" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "unit_endpoint" ADD CONSTRAINT "unit_endpoint_org_id_org_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."org"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_state_idx" ON "case_file" USING btree ("state");--> statement-breakpoint
CREATE INDEX "case_district_state_idx" ON "case_file" USING btree ("district_code","state","current_due_at");--> statement-breakpoint
CREATE INDEX "case_unit_state_idx" ON "case_file" USING btree ("unit_id","state","current_due_at");--> statement-breakpoint
CREATE INDEX "case_state_due_idx" ON "case_file" USING btree ("state","current_due_at");--> statement-breakpoint
CREATE INDEX "case_grid_idx" ON "case_file" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "case_created_idx" ON "case_file" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "case_matter_lnglat_idx" ON "case_file" USING btree ("matter_code","lng","lat");--> statement-breakpoint
CREATE INDEX "case_stage_case_idx" ON "case_stage" USING btree ("case_id","stage");--> statement-breakpoint
CREATE INDEX "case_task_open_idx" ON "case_task" USING btree ("district_code","status","kind");--> statement-breakpoint
CREATE INDEX "case_timer_due_idx" ON "case_timer" USING btree ("fire_at") WHERE fired_at IS NULL AND cancelled_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "report_idempotency_idx" ON "report" USING btree ("submitter","idempotency_key");--> statement-breakpoint
CREATE INDEX "report_case_idx" ON "report" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "notification_user_idx" ON "notification" USING btree ("user_id","read_at");--> statement-breakpoint
CREATE INDEX "delivery_due_idx" ON "delivery" USING btree ("status","next_attempt_at");