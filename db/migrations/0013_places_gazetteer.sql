CREATE TABLE "place" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"district_code" text NOT NULL,
	"norm_name" text NOT NULL,
	"gram_count" integer NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'import' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "place_gram" (
	"gram" text NOT NULL,
	"place_id" text NOT NULL,
	CONSTRAINT "place_gram_gram_place_id_pk" PRIMARY KEY("gram","place_id")
);
--> statement-breakpoint
ALTER TABLE "place_gram" ADD CONSTRAINT "place_gram_place_id_place_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."place"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "place_district_idx" ON "place" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "place_norm_name_idx" ON "place" USING btree ("norm_name");--> statement-breakpoint
CREATE INDEX "place_gram_place_idx" ON "place_gram" USING btree ("place_id");