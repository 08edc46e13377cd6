-- Across channels, one problem is one case (issue 10 item 8).
-- 1. A call-back per reporter: each existing call-back is given the report it calls back — the
--    case's first report from a call-back channel (hotline, web, app, wechat) with a phone, else its
--    first from such a channel, else its first report; a PENDING call-back also gets a row for each
--    other such reporter with a phone, so every caller of a merged case is called. A done one stays
--    one row: it was the call the operator made.
DROP INDEX "callback_case_closing_uq";--> statement-breakpoint
DROP INDEX "satisfaction_case_source_closing_uq";--> statement-breakpoint
ALTER TABLE "callback" ADD COLUMN "report_id" uuid;--> statement-breakpoint
UPDATE "callback" cb SET "report_id" = (
  SELECT r."id" FROM "report" r
  WHERE r."case_id" = cb."case_id"
  ORDER BY (r."channel" IN ('hotline', 'web', 'app', 'wechat')) DESC,
           (r."reporter_phone" IS NOT NULL AND r."reporter_phone" <> '') DESC,
           r."created_at", r."id"
  LIMIT 1
);--> statement-breakpoint
-- (A case always has a report; a row without one could only be damage, and cannot be called back.)
DELETE FROM "callback" WHERE "report_id" IS NULL;--> statement-breakpoint
INSERT INTO "callback" ("case_id", "case_closed_at", "report_id", "district_code", "unit_id", "channels", "status", "created_at")
SELECT cb."case_id", cb."case_closed_at", r."id", cb."district_code", cb."unit_id", cb."channels", 'pending', cb."created_at"
FROM "callback" cb
JOIN "report" r ON r."case_id" = cb."case_id"
WHERE cb."status" = 'pending'
  AND r."id" <> cb."report_id"
  AND r."channel" IN ('hotline', 'web', 'app', 'wechat')
  AND r."reporter_phone" IS NOT NULL AND r."reporter_phone" <> '';--> statement-breakpoint
ALTER TABLE "callback" ALTER COLUMN "report_id" SET NOT NULL;--> statement-breakpoint
-- 2. Reports without a type are checked for duplicates as the classifier's confident suggestion.
ALTER TABLE "case_file" ADD COLUMN "suggested_matter_code" text;--> statement-breakpoint
CREATE UNIQUE INDEX "callback_case_closing_report_uq" ON "callback" USING btree ("case_id","case_closed_at","report_id");--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_callback_uq" ON "satisfaction" USING btree ("callback_id") WHERE "satisfaction"."callback_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "case_suggested_lnglat_idx" ON "case_file" USING btree ("suggested_matter_code","lng","lat") WHERE "case_file"."matter_code" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_case_source_closing_uq" ON "satisfaction" USING btree ("case_id","source","case_closed_at") WHERE "satisfaction"."source" <> 'phone' OR "satisfaction"."callback_id" IS NULL;
