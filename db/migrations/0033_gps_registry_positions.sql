CREATE TABLE "gps_position" (
	"terminal_id" uuid,
	"user_id" uuid,
	"time" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"speed" double precision,
	"direction" integer,
	"altitude" integer,
	"alarm" bigint,
	"status" bigint,
	"accuracy" double precision,
	"serial" integer DEFAULT 0 NOT NULL,
	"source" text NOT NULL,
	"extras" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "gps_position_key" UNIQUE NULLS NOT DISTINCT("terminal_id","user_id","time","serial"),
	CONSTRAINT "gps_position_one_subject" CHECK (("gps_position"."terminal_id" IS NULL) <> ("gps_position"."user_id" IS NULL))
) PARTITION BY RANGE ("time");
-- Written by hand after drizzle-kit (which declares neither partitioning nor storage parameters):
-- positions are partitioned by UTC day on the fix's own time; server/modules/gps/partitions.ts
-- makes the partitions (gps_position_pYYYYMMDD) ahead and on demand, and drops them after the
-- retention (setting gps.retentionDays). No DEFAULT partition: rows parked there would have to be
-- moved before their day's partition could be made. A terminal's last-seen columns are rewritten
-- by every batch of its positions and are in no index: room on the pages keeps those updates HOT.
--> statement-breakpoint
CREATE TABLE "gps_terminal" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"terminal_phone" text NOT NULL,
	"plate" text,
	"plate_colour" integer DEFAULT 0 NOT NULL,
	"kind" text NOT NULL,
	"org_id" uuid NOT NULL,
	"district_code" text,
	"utc_offset_minutes" integer DEFAULT 480 NOT NULL,
	"crs" text DEFAULT 'wgs84' NOT NULL,
	"auth_code" text NOT NULL,
	"imei" text,
	"registration" jsonb,
	"registered_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"last_position_at" timestamp with time zone,
	"last_lat" double precision,
	"last_lng" double precision,
	"enabled" boolean DEFAULT true NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "gps_terminal_terminal_phone_unique" UNIQUE("terminal_phone")
);
--> statement-breakpoint
ALTER TABLE "gps_terminal" ADD CONSTRAINT "gps_terminal_org_id_org_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."org"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gps_terminal_district_idx" ON "gps_terminal" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "gps_terminal_org_idx" ON "gps_terminal" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "gps_terminal_kind_idx" ON "gps_terminal" USING btree ("kind");--> statement-breakpoint
ALTER TABLE "gps_terminal" SET (fillfactor = 70);
