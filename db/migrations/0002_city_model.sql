CREATE TABLE "catalog_type" (
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"major_code" text NOT NULL,
	"legacy_code" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"local" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "catalog_type_kind_code_pk" PRIMARY KEY("kind","code")
);
--> statement-breakpoint
CREATE TABLE "disposal_standard" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"matter_code" text NOT NULL,
	"version" integer NOT NULL,
	"current" boolean DEFAULT true NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"filing_conditions" jsonb NOT NULL,
	"time_limits" jsonb NOT NULL,
	"closing_conditions" jsonb NOT NULL,
	"default_unit_type" text,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "component" (
	"id" text PRIMARY KEY NOT NULL,
	"type_code" text NOT NULL,
	"district_code" text NOT NULL,
	"grid_id" text,
	"name" text NOT NULL,
	"owner_dept" text,
	"property_dept" text,
	"maintainer_dept" text,
	"state" text NOT NULL,
	"geometry" jsonb NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"legacy_id" text,
	"source" text DEFAULT 'import' NOT NULL,
	"installed_at" date,
	"surveyed_at" date,
	"attrs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "division" (
	"code" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"name" text NOT NULL,
	"parent_code" text,
	"geometry" jsonb NOT NULL,
	"min_lng" double precision NOT NULL,
	"min_lat" double precision NOT NULL,
	"max_lng" double precision NOT NULL,
	"max_lat" double precision NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'import' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grid" (
	"id" text PRIMARY KEY NOT NULL,
	"community_code" text NOT NULL,
	"township_code" text NOT NULL,
	"district_code" text NOT NULL,
	"area_class" text NOT NULL,
	"geometry" jsonb NOT NULL,
	"min_lng" double precision NOT NULL,
	"min_lat" double precision NOT NULL,
	"max_lng" double precision NOT NULL,
	"max_lat" double precision NOT NULL,
	"centroid_lng" double precision NOT NULL,
	"centroid_lat" double precision NOT NULL,
	"area_m2" double precision NOT NULL,
	"legacy_id" text,
	"generated" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'import' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_job" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"crs" text,
	"status" text NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"report" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" jsonb,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "route_rule" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"matter_code" text,
	"matter_major" text,
	"area_level" text NOT NULL,
	"area_code" text NOT NULL,
	"district_code" text NOT NULL,
	"unit_id" uuid NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "route_rule" ADD CONSTRAINT "route_rule_unit_id_org_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "catalog_type_legacy_idx" ON "catalog_type" USING btree ("legacy_code");--> statement-breakpoint
CREATE UNIQUE INDEX "disposal_standard_matter_version_idx" ON "disposal_standard" USING btree ("matter_code","version");--> statement-breakpoint
CREATE INDEX "disposal_standard_current_idx" ON "disposal_standard" USING btree ("matter_code","current");--> statement-breakpoint
CREATE INDEX "component_type_idx" ON "component" USING btree ("type_code");--> statement-breakpoint
CREATE INDEX "component_grid_idx" ON "component" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "component_district_idx" ON "component" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "component_lnglat_idx" ON "component" USING btree ("lng","lat");--> statement-breakpoint
CREATE INDEX "division_parent_idx" ON "division" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "division_level_idx" ON "division" USING btree ("level");--> statement-breakpoint
CREATE INDEX "grid_community_idx" ON "grid" USING btree ("community_code");--> statement-breakpoint
CREATE INDEX "grid_district_idx" ON "grid" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "grid_bbox_idx" ON "grid" USING btree ("min_lng","min_lat");--> statement-breakpoint
CREATE INDEX "route_rule_area_idx" ON "route_rule" USING btree ("area_level","area_code");--> statement-breakpoint
CREATE INDEX "route_rule_district_idx" ON "route_rule" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "route_rule_matter_idx" ON "route_rule" USING btree ("matter_code");