CREATE TABLE "sensor_alarm" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_id" uuid NOT NULL,
	"condition" text NOT NULL,
	"district_code" text NOT NULL,
	"field" text,
	"started_at" timestamp with time zone NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"cleared_at" timestamp with time zone,
	"raised_value" double precision,
	"peak_value" double precision,
	"clear_value" double precision,
	"report" text DEFAULT 'due' NOT NULL,
	"report_error" text,
	"case_id" uuid,
	"case_code" text,
	"clear_noted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sensor_alarm_state" (
	"device_id" uuid NOT NULL,
	"condition" text NOT NULL,
	"state" text DEFAULT 'normal' NOT NULL,
	"since" timestamp with time zone,
	"alarm_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sensor_alarm_state_device_id_condition_pk" PRIMARY KEY("device_id","condition")
);
--> statement-breakpoint
CREATE TABLE "sensor_device" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"kind_code" text NOT NULL,
	"name" text NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"grid_id" text NOT NULL,
	"district_code" text NOT NULL,
	"address" text,
	"component_id" text,
	"org_id" uuid NOT NULL,
	"silence_s" integer,
	"enabled" boolean DEFAULT true NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "sensor_device_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "sensor_device_status" (
	"device_id" uuid PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'never' NOT NULL,
	"state_since" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"last_reading_at" timestamp with time zone,
	"last_values" jsonb,
	"readings" bigint DEFAULT 0 NOT NULL,
	"rejected" bigint DEFAULT 0 NOT NULL,
	"last_rejected_at" timestamp with time zone,
	"last_rejected_reason" text
);
--> statement-breakpoint
CREATE TABLE "sensor_kind" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"fields" jsonb NOT NULL,
	"rules" jsonb NOT NULL,
	"silence_s" integer NOT NULL,
	"offline_matter_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sensor_reading" (
	"device_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"values" jsonb NOT NULL,
	CONSTRAINT "sensor_reading_device_id_at_pk" PRIMARY KEY("device_id","at")
) PARTITION BY RANGE ("at");
-- Written by hand after drizzle-kit (which does not declare partitioning or storage parameters):
-- readings are partitioned by UTC day; server/modules/sensors/partitions.ts creates the
-- partitions ahead (sensor_reading_pYYYYMMDD) and drops them after the retention. No default
-- partition: a reading outside every partition is refused, never parked where a later partition
-- cannot be made. The status rows are rewritten by every batch: room on their pages keeps those
-- updates HOT.
--> statement-breakpoint
ALTER TABLE "sensor_device_status" SET (fillfactor = 50);
--> statement-breakpoint
ALTER TABLE "sensor_alarm" ADD CONSTRAINT "sensor_alarm_device_id_sensor_device_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."sensor_device"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sensor_alarm_state" ADD CONSTRAINT "sensor_alarm_state_device_id_sensor_device_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."sensor_device"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sensor_device" ADD CONSTRAINT "sensor_device_kind_code_sensor_kind_code_fk" FOREIGN KEY ("kind_code") REFERENCES "public"."sensor_kind"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sensor_device" ADD CONSTRAINT "sensor_device_org_id_org_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."org"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sensor_device_status" ADD CONSTRAINT "sensor_device_status_device_id_sensor_device_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."sensor_device"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sensor_alarm_device_idx" ON "sensor_alarm" USING btree ("device_id","condition","raised_at");--> statement-breakpoint
CREATE INDEX "sensor_alarm_due_idx" ON "sensor_alarm" USING btree ("raised_at") WHERE report = 'due';--> statement-breakpoint
CREATE INDEX "sensor_device_district_idx" ON "sensor_device" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "sensor_device_org_idx" ON "sensor_device" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "sensor_device_kind_idx" ON "sensor_device" USING btree ("kind_code");
