-- The public tracking code (查询码) of a report (common/public-report.ts): 12 characters of
-- Crockford's base32 (no I, L, O, U), 60 random bits taken from md5 of a random UUID (each byte's
-- low five bits). A function, so that every writer of reports (intake, the demo seed) gets one as
-- the column default, and existing reports get their own one here (a volatile default is
-- evaluated per row when the column is added).
CREATE OR REPLACE FUNCTION cityops_tracking_code() RETURNS text AS $$
  SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', get_byte(b, i) % 32 + 1, 1), '' ORDER BY i)
  FROM (SELECT decode(md5(gen_random_uuid()::text), 'hex') AS b) AS x, generate_series(0, 11) AS i
$$ LANGUAGE sql VOLATILE;
--> statement-breakpoint
ALTER TABLE "report" ADD COLUMN "tracking_code" text DEFAULT cityops_tracking_code() NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "report_tracking_code_idx" ON "report" USING btree ("tracking_code");
