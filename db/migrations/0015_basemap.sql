CREATE TABLE "basemap_archive" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"origin" text NOT NULL,
	"file_name" text NOT NULL,
	"bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"min_zoom" integer NOT NULL,
	"max_zoom" integer NOT NULL,
	"bounds" jsonb NOT NULL,
	"center" jsonb NOT NULL,
	"tile_compression" text NOT NULL,
	"addressed_tiles" bigint NOT NULL,
	"vector_layers" jsonb NOT NULL,
	"style" jsonb,
	"style_source" text NOT NULL,
	"attribution" text,
	"description" text,
	"demo" boolean DEFAULT false NOT NULL,
	"source_digest" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "basemap_choice" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"archive_id" uuid,
	"tianditu_key" text,
	"tianditu_layer" text,
	"xyz_url" text,
	"xyz_crs" text,
	"xyz_max_zoom" integer,
	"xyz_attribution" text,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "place" ADD COLUMN "line" jsonb;--> statement-breakpoint
ALTER TABLE "basemap_choice" ADD CONSTRAINT "basemap_choice_archive_id_basemap_archive_id_fk" FOREIGN KEY ("archive_id") REFERENCES "public"."basemap_archive"("id") ON DELETE no action ON UPDATE no action;