CREATE TABLE "team_attendance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"shift_id" uuid,
	"district_code" text,
	"clock_in_at" timestamp with time zone,
	"clock_in_lat" double precision,
	"clock_in_lng" double precision,
	"clock_in_grid_id" text,
	"clock_in_distance_m" double precision,
	"clock_in_inside" boolean,
	"late" boolean DEFAULT false NOT NULL,
	"clock_out_at" timestamp with time zone,
	"clock_out_lat" double precision,
	"clock_out_lng" double precision,
	"clock_out_inside" boolean,
	"early_leave" boolean DEFAULT false NOT NULL,
	"no_shift" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "team_attendance_user_day" UNIQUE("user_id","day")
);
--> statement-breakpoint
CREATE TABLE "team_member" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"district_code" text,
	"posts" text[] DEFAULT '{}'::text[] NOT NULL,
	"grid_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_roster" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"shift_id" uuid,
	"district_code" text,
	"note" text,
	"generated" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "team_roster_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
CREATE TABLE "team_roster_template" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_code" text,
	"name" text NOT NULL,
	"days" jsonb NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_shift" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"district_code" text,
	"name" text NOT NULL,
	"start_minute" integer NOT NULL,
	"end_minute" integer NOT NULL,
	"colour" text,
	"active" boolean DEFAULT true NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "team_shift_minutes" CHECK ("team_shift"."start_minute" BETWEEN 0 AND 1439 AND "team_shift"."end_minute" BETWEEN 0 AND 1439 AND "team_shift"."start_minute" <> "team_shift"."end_minute")
);
--> statement-breakpoint
ALTER TABLE "team_attendance" ADD CONSTRAINT "team_attendance_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_attendance" ADD CONSTRAINT "team_attendance_shift_id_team_shift_id_fk" FOREIGN KEY ("shift_id") REFERENCES "public"."team_shift"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_member" ADD CONSTRAINT "team_member_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_member" ADD CONSTRAINT "team_member_org_id_org_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."org"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_roster" ADD CONSTRAINT "team_roster_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_roster" ADD CONSTRAINT "team_roster_shift_id_team_shift_id_fk" FOREIGN KEY ("shift_id") REFERENCES "public"."team_shift"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "team_attendance_day_idx" ON "team_attendance" USING btree ("day","district_code");--> statement-breakpoint
CREATE INDEX "team_member_district_idx" ON "team_member" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "team_member_org_idx" ON "team_member" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "team_roster_day_idx" ON "team_roster" USING btree ("day","district_code");--> statement-breakpoint
CREATE INDEX "team_roster_template_district_idx" ON "team_roster_template" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "team_shift_district_idx" ON "team_shift" USING btree ("district_code");