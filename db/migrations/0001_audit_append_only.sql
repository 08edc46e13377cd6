-- The event table is the audit trail: the database itself refuses to change or remove a row,
-- whatever the application does. Works the same on PostgreSQL and PGlite.
CREATE OR REPLACE FUNCTION cityops_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'event table is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER event_no_update_delete BEFORE UPDATE OR DELETE ON "event"
  FOR EACH ROW EXECUTE FUNCTION cityops_event_append_only();
--> statement-breakpoint
CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON "event"
  FOR EACH STATEMENT EXECUTE FUNCTION cityops_event_append_only();
