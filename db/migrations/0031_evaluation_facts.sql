CREATE TABLE "evaluation_fact" (
	"source" text NOT NULL,
	"item" text NOT NULL,
	"case_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"district_code" text NOT NULL,
	"township_code" text NOT NULL,
	"community_code" text NOT NULL,
	"grid_id" text NOT NULL,
	"unit_id" uuid,
	"actor" text,
	"ended_by" text,
	"on_time" boolean,
	"merged" boolean,
	"result" text,
	"state" text NOT NULL,
	"channel" text NOT NULL,
	"filed_at" timestamp with time zone,
	"rework_count" integer NOT NULL,
	"ever_parked" boolean NOT NULL,
	"verified_true" boolean NOT NULL,
	"dispose_late" boolean NOT NULL,
	"dispose_open_due" timestamp with time zone,
	"dispose_starts" timestamp with time zone[],
	"dispose_stops" timestamp with time zone[],
	CONSTRAINT "evaluation_fact_source_item_pk" PRIMARY KEY("source","item")
);
--> statement-breakpoint
CREATE TABLE "evaluation_fact_dirty" (
	"xact" bigint NOT NULL,
	"case_id" uuid NOT NULL,
	CONSTRAINT "evaluation_fact_dirty_xact_case_id_pk" PRIMARY KEY("xact","case_id")
);
--> statement-breakpoint
CREATE INDEX "evaluation_fact_source_at_idx" ON "evaluation_fact" USING btree ("source","at");--> statement-breakpoint
CREATE INDEX "evaluation_fact_case_idx" ON "evaluation_fact" USING btree ("case_id");--> statement-breakpoint
ALTER TABLE "evaluation_fact" SET (fillfactor = 80);--> statement-breakpoint
-- The evaluation's facts (evaluation/tables.ts `evaluationFact`): how each source's rows and the
-- case facts the indicators read are derived from the record. One function rewrites the rows of a
-- set of cases; triggers on the tables they derive from mark a case dirty, and at commit a deferred
-- trigger rewrites the dirty cases' rows, in the same transaction as the change.
--
-- Derivations (what evaluation/indicators.ts read per case before this table, unchanged):
--   reports              each report of the case, at its creation; actor: the submitter on the
--                        inspector channel; merged: a duplicate merged into the case.
--   filed / dispatched   the case at filed_at / dispatched_at; unit: the case's (last) unit; actor:
--                        the actor of the latest `case.file` / dispatch (`case.dispatch`,
--                        `case.city_dispatch`, `case.city_order`) event.
--   <stage>Decisions     each stopped accept, verify, filing, dispatch, check or close stage, at its
--                        stop; actor and ended_by from the stage (migration 0029); on_time: stopped
--                        by its due time.
--   closed               a closed case at closed_at; unit: the case's unit.
--   satisfactions        each rating, at the closing it rates; unit: the rating's.
--   departmentDisposals  a closed case of the department channel closed on the department's own fix
--                        (a `case.department_dispose` event, and no `case.file` nor
--                        `case.refer_to_filing`), at closed_at; unit: that event's organisation.
--   every row            the case's regions, state, channel, filed_at, rework_count; ever_parked (a
--                        `case.approve_parking` event); verified_true (a `case.verify_confirm`
--                        event); dispose_late (a disposal stage stopped or paused past its due);
--                        dispose_open_due (the earliest due of a disposal stage still running —
--                        compared with now() when read, as it is late only once the time passes);
--                        on `closed` rows, the disposal stages' starts and stops (their working
--                        hours are counted when read, on the calendar of the day).
CREATE FUNCTION evaluation_fact_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql
-- The statement below runs once per transition with one case: its plan is made once per connection
-- and reused (a generic plan: index probes for a few cases). Planned per call (PL/pgSQL's default
-- here, or EXECUTE) it cost 1–2 ms more per transition; measured with `bench cases` and 500 calls
-- on one case each (session 26): generic 0.4–0.6 ms, custom 1.0–1.3 ms, EXECUTE 2.0–2.3 ms.
SET plan_cache_mode = force_generic_plan AS $fn$
DECLARE
  b integer;
  k uuid[];
BEGIN
  SELECT array_agg(DISTINCT u) INTO k FROM unnest(ids) u WHERE u IS NOT NULL;
  IF k IS NULL THEN RETURN; END IF;
  -- Two transactions refreshing the same case run one after the other: the second's statements
  -- then see the first's commit (READ COMMITTED). Locks are taken on 256 buckets of case ids, in
  -- order, so a large refresh (a backfill) takes at most 256 locks and no two refreshes deadlock.
  FOR b IN SELECT DISTINCT abs(hashtext(u::text)) % 256 FROM unnest(k) u ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(7031, b);
  END LOOP;
  -- A backfill (the migration below, a benchmark's bulk load) is planned for its cases instead:
  -- hash joins over the tables. Through the generic plan, 1,000 cases at a time, a million cases
  -- took more than 15 minutes (session 26); the plan cache decides per execution, so the same
  -- statement is planned afresh here. The function's SET restores the mode on return.
  IF cardinality(k) > 1000 THEN
    PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
  END IF;
  -- The rows derived now are upserted (an unchanged row is not written again; a changed one is
  -- updated in place — the table's fillfactor leaves room — so a month's rows stay together on
  -- disk, in the order they happened), and the cases' rows no longer derived are deleted.
  WITH c AS (
    SELECT c.id, c.state, c.channel, c.filed_at, c.dispatched_at, c.closed_at, c.unit_id, c.rework_count,
      c.district_code, c.township_code, c.community_code, c.grid_id,
      coalesce(ev.ever_parked, false) AS ever_parked, coalesce(ev.verified_true, false) AS verified_true,
      ev.file_actor, ev.dispatch_actor, ev.department_unit,
      coalesce(ev.department_disposed, false) AS department_disposed,
      coalesce(ev.filed_or_referred, false) AS filed_or_referred,
      coalesce(st.dispose_late, false) AS dispose_late, st.dispose_open_due, st.dispose_starts, st.dispose_stops
    FROM case_file c
    -- One pass over the case's events and one over its disposal stages.
    LEFT JOIN LATERAL (
      SELECT bool_or(e.action = 'case.approve_parking') AS ever_parked,
        bool_or(e.action = 'case.verify_confirm') AS verified_true,
        (array_agg(e.actor_id ORDER BY e.id DESC) FILTER (WHERE e.action = 'case.file'))[1] AS file_actor,
        (array_agg(e.actor_id ORDER BY e.id DESC)
          FILTER (WHERE e.action IN ('case.dispatch', 'case.city_dispatch', 'case.city_order')))[1] AS dispatch_actor,
        (array_agg(e.actor_org_id ORDER BY e.id) FILTER (WHERE e.action = 'case.department_dispose'))[1]::uuid
          AS department_unit,
        bool_or(e.action = 'case.department_dispose') AS department_disposed,
        bool_or(e.action IN ('case.file', 'case.refer_to_filing')) AS filed_or_referred
      FROM "event" e WHERE e.entity_type = 'case' AND e.entity_id = c.id::text
    ) ev ON true
    LEFT JOIN LATERAL (
      SELECT bool_or(coalesce(s.stopped_at, s.paused_at) > s.due_at) AS dispose_late,
        min(s.due_at) FILTER (WHERE s.stopped_at IS NULL AND s.paused_at IS NULL) AS dispose_open_due,
        array_agg(s.started_at ORDER BY s.started_at, s.id) AS dispose_starts,
        array_agg(s.stopped_at ORDER BY s.started_at, s.id) AS dispose_stops
      FROM case_stage s WHERE s.case_id = c.id AND s.stage = 'dispose'
    ) st ON true
    WHERE c.id = ANY (k)
  ),
  r (source, item, case_id, at, unit_id, actor, ended_by, on_time, merged, result) AS (
    SELECT 'reports', r.id::text, r.case_id, r.created_at, NULL::uuid,
      CASE WHEN r.channel = 'inspector' THEN r.submitter END, NULL::text, NULL::boolean, r.merged, NULL::text
    FROM report r WHERE r.case_id = ANY (k)
    UNION ALL
    SELECT 'filed', c.id::text, c.id, c.filed_at, c.unit_id, c.file_actor, NULL, NULL, NULL, NULL
    FROM c WHERE c.filed_at IS NOT NULL
    UNION ALL
    SELECT 'dispatched', c.id::text, c.id, c.dispatched_at, c.unit_id, c.dispatch_actor, NULL, NULL, NULL, NULL
    FROM c WHERE c.dispatched_at IS NOT NULL
    UNION ALL
    SELECT s.stage || 'Decisions', s.id::text, s.case_id, s.stopped_at, NULL, s.ended_actor, s.ended_by,
      s.stopped_at <= s.due_at, NULL, NULL
    FROM case_stage s
    WHERE s.case_id = ANY (k) AND s.stopped_at IS NOT NULL AND s.stage IN ('accept', 'verify', 'filing', 'dispatch', 'check', 'close')
    UNION ALL
    SELECT 'closed', c.id::text, c.id, c.closed_at, c.unit_id, NULL, NULL, NULL, NULL, NULL
    FROM c WHERE c.state = 'closed' AND c.closed_at IS NOT NULL
    UNION ALL
    SELECT 'satisfactions', sa.id::text, sa.case_id, sa.case_closed_at, sa.unit_id, NULL, NULL, NULL, NULL, sa.result
    FROM satisfaction sa WHERE sa.case_id = ANY (k)
    UNION ALL
    -- Closed on the unit's fix: not filed as an ordinary case by the shift leader (the fix was not
    -- good enough) nor referred to filing by a later report (the problem was still seen).
    SELECT 'departmentDisposals', c.id::text, c.id, c.closed_at, c.department_unit, NULL, NULL, NULL, NULL, NULL
    FROM c
    WHERE c.channel = 'department' AND c.state = 'closed' AND c.closed_at IS NOT NULL
      AND c.department_disposed AND NOT c.filed_or_referred
  ),
  d AS (
    SELECT r.source, r.item, r.case_id, r.at, c.district_code, c.township_code, c.community_code, c.grid_id,
      r.unit_id, r.actor, r.ended_by, r.on_time, r.merged, r.result, c.state, c.channel, c.filed_at,
      c.rework_count, c.ever_parked, c.verified_true, c.dispose_late, c.dispose_open_due,
      CASE WHEN r.source = 'closed' THEN c.dispose_starts END AS dispose_starts,
      CASE WHEN r.source = 'closed' THEN c.dispose_stops END AS dispose_stops
    FROM r JOIN c ON c.id = r.case_id
  ),
  gone AS (
    DELETE FROM evaluation_fact f
    WHERE f.case_id = ANY (k) AND NOT EXISTS (SELECT 1 FROM d WHERE d.source = f.source AND d.item = f.item)
  )
  INSERT INTO evaluation_fact (source, item, case_id, at, district_code, township_code, community_code,
      grid_id, unit_id, actor, ended_by, on_time, merged, result, state, channel, filed_at, rework_count,
      ever_parked, verified_true, dispose_late, dispose_open_due, dispose_starts, dispose_stops)
  SELECT * FROM d ORDER BY d.source, d.at
  -- A report moved to another case, refreshed without its old case: its row moves with it.
  ON CONFLICT (source, item) DO UPDATE SET case_id = EXCLUDED.case_id, at = EXCLUDED.at,
    district_code = EXCLUDED.district_code, township_code = EXCLUDED.township_code,
    community_code = EXCLUDED.community_code, grid_id = EXCLUDED.grid_id, unit_id = EXCLUDED.unit_id,
    actor = EXCLUDED.actor, ended_by = EXCLUDED.ended_by, on_time = EXCLUDED.on_time,
    merged = EXCLUDED.merged, result = EXCLUDED.result, state = EXCLUDED.state,
    channel = EXCLUDED.channel, filed_at = EXCLUDED.filed_at, rework_count = EXCLUDED.rework_count,
    ever_parked = EXCLUDED.ever_parked, verified_true = EXCLUDED.verified_true,
    dispose_late = EXCLUDED.dispose_late, dispose_open_due = EXCLUDED.dispose_open_due,
    dispose_starts = EXCLUDED.dispose_starts, dispose_stops = EXCLUDED.dispose_stops
  WHERE (evaluation_fact.*) IS DISTINCT FROM (EXCLUDED.*);
END
$fn$;
--> statement-breakpoint
-- At commit: each dirty case's rows are rewritten, one call per case marked (a case marked by
-- several statements has one row here, so one call). Per row, not "the first call does them all":
-- the later calls of a transaction that marked many cases (a seed) would each search the table for
-- rows already taken — measured quadratic (session 26).
CREATE FUNCTION evaluation_fact_flush() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  b integer;
BEGIN
  -- The first call of a transaction takes the locks of all its dirty cases, in order (see
  -- evaluation_fact_refresh), so two transactions marking the same cases in another order cannot
  -- deadlock; the refresh's own lock on its case is then taken again, at no cost.
  IF current_setting('cityops.evaluation_fact_locked', true) IS DISTINCT FROM NEW.xact::text THEN
    FOR b IN SELECT DISTINCT abs(hashtext(d.case_id::text)) % 256 FROM evaluation_fact_dirty d
      WHERE d.xact = NEW.xact ORDER BY 1 LOOP
      PERFORM pg_advisory_xact_lock(7031, b);
    END LOOP;
    PERFORM set_config('cityops.evaluation_fact_locked', NEW.xact::text, true);
  END IF;
  DELETE FROM evaluation_fact_dirty WHERE xact = NEW.xact AND case_id = NEW.case_id;
  PERFORM evaluation_fact_refresh(ARRAY[NEW.case_id]);
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER evaluation_fact_flush AFTER INSERT ON evaluation_fact_dirty
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION evaluation_fact_flush();
--> statement-breakpoint
-- Marking, per statement (a seed's or an import's bulk insert marks each case once): the new rows'
-- cases, and for updates and deletes the old rows' too (a report moved to another case).
CREATE FUNCTION evaluation_fact_mark() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'case_file' THEN
    IF TG_OP = 'DELETE' THEN
      INSERT INTO evaluation_fact_dirty SELECT DISTINCT txid_current(), o.id FROM old_rows o ON CONFLICT DO NOTHING;
    ELSE
      INSERT INTO evaluation_fact_dirty SELECT DISTINCT txid_current(), n.id FROM new_rows n ON CONFLICT DO NOTHING;
    END IF;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO evaluation_fact_dirty SELECT DISTINCT txid_current(), n.case_id FROM new_rows n ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO evaluation_fact_dirty SELECT DISTINCT txid_current(), o.case_id FROM old_rows o ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO evaluation_fact_dirty
      SELECT txid_current(), n.case_id FROM new_rows n UNION SELECT txid_current(), o.case_id FROM old_rows o
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_case_ins AFTER INSERT ON case_file REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_case_upd AFTER UPDATE ON case_file REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_case_del AFTER DELETE ON case_file REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_stage_ins AFTER INSERT ON case_stage REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_stage_upd AFTER UPDATE ON case_stage
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_stage_del AFTER DELETE ON case_stage REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_report_ins AFTER INSERT ON report REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_report_upd AFTER UPDATE ON report
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_report_del AFTER DELETE ON report REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_satisfaction_ins AFTER INSERT ON satisfaction REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_satisfaction_upd AFTER UPDATE ON satisfaction
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_satisfaction_del AFTER DELETE ON satisfaction REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_fact_mark();
--> statement-breakpoint
-- Events: only the actions the facts read (the `ev` lateral of evaluation_fact_refresh — keep the
-- two lists together), tested per row by the trigger's WHEN, so the audit trail's other events (most
-- of them) cost nothing; a statement trigger would copy every inserted event into its transition table.
CREATE FUNCTION evaluation_fact_mark_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO evaluation_fact_dirty VALUES (txid_current(), NEW.entity_id::uuid) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER evaluation_fact_event_ins AFTER INSERT ON "event" FOR EACH ROW
  WHEN (NEW.entity_type = 'case'
    AND NEW.action IN ('case.approve_parking', 'case.verify_confirm', 'case.file', 'case.dispatch',
      'case.city_dispatch', 'case.city_order', 'case.department_dispose', 'case.refer_to_filing')
    AND NEW.entity_id ~ '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')
  EXECUTE FUNCTION evaluation_fact_mark_event();
--> statement-breakpoint
-- The facts of the record already kept (an installation upgraded to this version).
SELECT evaluation_fact_refresh(array_agg(id)) FROM case_file;
