CREATE TABLE "login_rate" (
	"source_ip" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "login_rate_source_ip_window_start_pk" PRIMARY KEY("source_ip","window_start")
);
--> statement-breakpoint
CREATE TABLE "login_throttle" (
	"username" text NOT NULL,
	"source_ip" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"held_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "login_throttle_username_source_ip_pk" PRIMARY KEY("username","source_ip")
);
--> statement-breakpoint
CREATE INDEX "login_rate_window_idx" ON "login_rate" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "login_throttle_updated_idx" ON "login_throttle" USING btree ("updated_at");--> statement-breakpoint
ALTER TABLE "app_user" DROP COLUMN "failed_logins";