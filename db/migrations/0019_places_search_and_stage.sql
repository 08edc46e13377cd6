CREATE TABLE "place_stage" (
	"job_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"district_code" text NOT NULL,
	"norm_name" text NOT NULL,
	"gram_count" integer NOT NULL,
	"generated" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'import' NOT NULL,
	"line" jsonb,
	CONSTRAINT "place_stage_job_id_id_pk" PRIMARY KEY("job_id","id")
);
--> statement-breakpoint
DROP INDEX "place_norm_name_idx";--> statement-breakpoint
ALTER TABLE "place_gram" DROP CONSTRAINT "place_gram_gram_place_id_pk";--> statement-breakpoint
ALTER TABLE "place_gram" ADD COLUMN "gram_count" smallint;--> statement-breakpoint
ALTER TABLE "place_gram" ADD COLUMN "cell" bigint;--> statement-breakpoint
-- Hand-edited: stored grams take their place's gram count and map cell (places.ts CELL_SQL)
-- before the columns become NOT NULL and the key.
UPDATE "place_gram" g SET "gram_count" = p."gram_count",
  "cell" = floor((p."lng" + 180) / 0.005)::bigint * 100000 + floor((p."lat" + 90) / 0.005)::bigint
  FROM "place" p WHERE p."id" = g."place_id";--> statement-breakpoint
ALTER TABLE "place_gram" ALTER COLUMN "gram_count" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "place_gram" ALTER COLUMN "cell" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "place_gram" ADD CONSTRAINT "place_gram_gram_gram_count_place_id_pk" PRIMARY KEY("gram","gram_count","place_id");--> statement-breakpoint
CREATE INDEX "place_norm_prefix_idx" ON "place" USING btree ("norm_name" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "place_gram_cell_idx" ON "place_gram" USING btree ("gram","cell","gram_count");