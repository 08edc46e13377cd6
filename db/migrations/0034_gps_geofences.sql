CREATE TABLE "gps_alarm" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"terminal_id" uuid,
	"user_id" uuid,
	"fence_id" uuid,
	"org_id" uuid,
	"district_code" text,
	"at" timestamp with time zone NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"speed" double precision,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"ack_note" text,
	"closed_by" uuid,
	"closed_at" timestamp with time zone,
	"close_note" text,
	"case_id" uuid,
	"case_code" text,
	"case_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gps_fence_state" (
	"subject" text NOT NULL,
	"fence_id" uuid NOT NULL,
	"inside" boolean,
	"over_since" timestamp with time zone,
	"over_raised" boolean DEFAULT false NOT NULL,
	"alarm_bits" bigint,
	"at" timestamp with time zone,
	CONSTRAINT "gps_fence_state_subject_fence_id_pk" PRIMARY KEY("subject","fence_id")
);
--> statement-breakpoint
CREATE TABLE "gps_geofence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"shape" text NOT NULL,
	"source" text NOT NULL,
	"source_code" text,
	"geometry" jsonb NOT NULL,
	"corridor_m" integer,
	"rule" jsonb NOT NULL,
	"org_id" uuid NOT NULL,
	"district_code" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gps_geofence" ADD CONSTRAINT "gps_geofence_org_id_org_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."org"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gps_alarm_at_idx" ON "gps_alarm" USING btree ("at");--> statement-breakpoint
CREATE INDEX "gps_alarm_district_idx" ON "gps_alarm" USING btree ("district_code","at");--> statement-breakpoint
CREATE INDEX "gps_alarm_state_idx" ON "gps_alarm" USING btree ("state");--> statement-breakpoint
CREATE INDEX "gps_geofence_district_idx" ON "gps_geofence" USING btree ("district_code");