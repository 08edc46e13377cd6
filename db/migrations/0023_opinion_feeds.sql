CREATE TABLE "opinion_feed" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"district_code" text,
	"poll_minutes" integer DEFAULT 30 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"etag" text,
	"last_modified" text,
	"next_poll_at" timestamp with time zone DEFAULT now() NOT NULL,
	"polling_until" timestamp with time zone,
	"last_polled_at" timestamp with time zone,
	"last_status" text,
	"last_error" text,
	"last_new_posts" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "opinion_post" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"feed_id" uuid NOT NULL,
	"dedup_key" text NOT NULL,
	"link_key" text,
	"guid" text NOT NULL,
	"link" text,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"author" text,
	"published_at" timestamp with time zone,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	"types" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"places" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"matter_code" text,
	"type_score" double precision,
	"place_name" text,
	"lng" double precision,
	"lat" double precision,
	"grid_id" text,
	"district_code" text,
	"relevant" boolean NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"case_id" uuid,
	"report_id" uuid,
	"auto_linked" boolean DEFAULT false NOT NULL,
	"decided_by" text,
	"decided_by_name" text,
	"decided_at" timestamp with time zone,
	"reason" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "opinion_post" ADD CONSTRAINT "opinion_post_feed_id_opinion_feed_id_fk" FOREIGN KEY ("feed_id") REFERENCES "public"."opinion_feed"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "opinion_feed_due_idx" ON "opinion_feed" USING btree ("enabled","next_poll_at");--> statement-breakpoint
CREATE UNIQUE INDEX "opinion_post_dedup_idx" ON "opinion_post" USING btree ("feed_id","dedup_key");--> statement-breakpoint
CREATE UNIQUE INDEX "opinion_post_link_idx" ON "opinion_post" USING btree ("link_key");--> statement-breakpoint
CREATE INDEX "opinion_post_queue_idx" ON "opinion_post" USING btree ("state","district_code","fetched_at");--> statement-breakpoint
CREATE INDEX "opinion_post_case_idx" ON "opinion_post" USING btree ("case_id");