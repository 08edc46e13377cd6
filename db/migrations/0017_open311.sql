CREATE TABLE "forwarded_request" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"delivery_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"district_code" text,
	"service_request_id" text,
	"token" text,
	"status" text,
	"status_notes" text,
	"remote_updated_at" text,
	"last_error" text,
	"polls" integer DEFAULT 0 NOT NULL,
	"next_poll_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forwarded_request_delivery_id_unique" UNIQUE("delivery_id")
);
--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "media_url" text;--> statement-breakpoint
ALTER TABLE "unit_endpoint" ADD COLUMN "options" jsonb;--> statement-breakpoint
CREATE INDEX "forwarded_request_poll_idx" ON "forwarded_request" USING btree ("next_poll_at") WHERE status IS DISTINCT FROM 'closed';--> statement-breakpoint
CREATE INDEX "forwarded_request_case_idx" ON "forwarded_request" USING btree ("case_id","org_id");--> statement-breakpoint
CREATE INDEX "report_created_idx" ON "report" USING btree ("created_at");