ALTER TABLE "case_stage" ADD COLUMN "ended_by" text;--> statement-breakpoint
ALTER TABLE "case_stage" ADD COLUMN "ended_actor" text;--> statement-breakpoint
-- Backfill: each stopped decision stage takes the event that ended it — the n-th stage of its
-- kind of a case (by start) pairs with the n-th event of the case that left the states the stage
-- runs in, by event order (what evaluation/indicators.ts read before the columns were kept).
-- Disposal stages are not decisions of a post and are left unfilled.
WITH paired AS (
  SELECT s.id, e.action, e.actor_id
  FROM case_stage s
  CROSS JOIN LATERAL (SELECT CASE s.stage
      WHEN 'accept' THEN ARRAY['reported']
      WHEN 'verify' THEN ARRAY['verifying']
      WHEN 'filing' THEN ARRAY['pending_filing']
      WHEN 'dispatch' THEN ARRAY['pending_dispatch']
      WHEN 'check' THEN ARRAY['fed_back', 'checking']
      WHEN 'close' THEN ARRAY['pending_close', 'self_disposed'] END AS states) st
  JOIN LATERAL (
    SELECT count(*) AS rn FROM case_stage s2
    WHERE s2.case_id = s.case_id AND s2.stage = s.stage AND (s2.started_at, s2.id) <= (s.started_at, s.id)
  ) k ON true
  JOIN LATERAL (
    SELECT e.action, e.actor_id FROM "event" e
    WHERE e.entity_type = 'case' AND e.entity_id = s.case_id::text AND e.action LIKE 'case.%'
      AND (e.before->>'state') = ANY (st.states) AND NOT ((e.after->>'state') = ANY (st.states))
    ORDER BY e.id OFFSET k.rn - 1 LIMIT 1
  ) e ON true
  WHERE s.stopped_at IS NOT NULL AND s.ended_by IS NULL
    AND s.stage IN ('accept', 'verify', 'filing', 'dispatch', 'check', 'close')
)
UPDATE case_stage s SET ended_by = p.action, ended_actor = p.actor_id FROM paired p WHERE s.id = p.id;
