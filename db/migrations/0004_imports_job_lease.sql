ALTER TABLE "import_job" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "import_job" ADD COLUMN "lease_until" timestamp with time zone;