ALTER TABLE "notification" ADD COLUMN "count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "notification" ADD COLUMN "group_key" text;--> statement-breakpoint
ALTER TABLE "notification" ADD COLUMN "last_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Notifications written before groups came are each their own row, last seen when created.
UPDATE "notification" SET "last_at" = "created_at";--> statement-breakpoint
CREATE INDEX "notification_user_last_idx" ON "notification" USING btree ("user_id","last_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_unread_group_uq" ON "notification" USING btree ("user_id","group_key") WHERE read_at IS NULL AND group_key IS NOT NULL;