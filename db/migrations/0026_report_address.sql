ALTER TABLE "report" ADD COLUMN "address" text;--> statement-breakpoint
-- A report that opened its case wrote the case's address; a merged one's own address was not kept.
UPDATE "report" SET "address" = c."address" FROM "case_file" c WHERE c."id" = "report"."case_id" AND NOT "report"."merged";
