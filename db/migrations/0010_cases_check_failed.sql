-- A failed check has a state and a clock of its own (issue 9): 待返工 `check_failed`, waiting on the
-- dispatcher's rework order, timed by the `rework` stage. Cases whose check failed before this
-- waited in `pending_close` with a running `close` stage: they move to the new state, and that
-- clock (same start, due time and timers) becomes their rework stage.
UPDATE "case_stage" SET "stage" = 'rework'
WHERE "stage" = 'close' AND "stopped_at" IS NULL
  AND "case_id" IN (SELECT "id" FROM "case_file" WHERE "state" = 'pending_close' AND "check_result" = 'fail');
--> statement-breakpoint
UPDATE "case_file" SET
  "state" = 'check_failed',
  "current_stage" = CASE WHEN "current_stage" = 'close' THEN 'rework' ELSE "current_stage" END
WHERE "state" = 'pending_close' AND "check_result" = 'fail';
--> statement-breakpoint
-- The same clock of earlier failed checks, already ended by the rework order: a close stage
-- stopped at the very moment (same transaction) a new disposal clock started was a rework decision.
UPDATE "case_stage" AS s SET "stage" = 'rework'
WHERE s."stage" = 'close' AND s."stopped_at" IS NOT NULL
  AND EXISTS (
    SELECT 1 FROM "case_stage" AS d
    WHERE d."case_id" = s."case_id" AND d."stage" = 'dispose' AND d."started_at" = s."stopped_at"
  );
--> statement-breakpoint
-- A filing condition that says 立即按紧急案件处理 is marked `urgent`: filing under it makes the case
-- urgent. The default standards say so for missing or collapsed manhole covers; a city's own text
-- saying the same gets the mark too (the standard editor sets it from now on).
UPDATE "disposal_standard" SET "filing_conditions" = (
  SELECT jsonb_agg(CASE WHEN c ->> 'text' LIKE '%立即按紧急案件处理%' THEN c || '{"urgent": true}'::jsonb ELSE c END ORDER BY n)
  FROM jsonb_array_elements("filing_conditions") WITH ORDINALITY AS x(c, n)
)
WHERE "filing_conditions"::text LIKE '%立即按紧急案件处理%';
