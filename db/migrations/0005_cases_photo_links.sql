CREATE TABLE "case_photo" (
	"photo_id" text NOT NULL,
	"case_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_photo_photo_id_case_id_pk" PRIMARY KEY("photo_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "photo_uploader" (
	"photo_id" text NOT NULL,
	"actor_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "photo_uploader_photo_id_actor_id_pk" PRIMARY KEY("photo_id","actor_id")
);
--> statement-breakpoint
-- A report's photos are attached to its case, whoever writes the report (intake, the demo seed)
-- and wherever a merge moves it: the link is written in the same statement's transaction.
-- A merge keeps the old case's links (its timeline still names the photos).
CREATE OR REPLACE FUNCTION cityops_report_case_photo() RETURNS trigger AS $$
BEGIN
  IF jsonb_typeof(NEW.photos) = 'array' THEN
    INSERT INTO case_photo (photo_id, case_id)
      SELECT DISTINCT p, NEW.case_id FROM jsonb_array_elements_text(NEW.photos) AS p
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER report_case_photo AFTER INSERT OR UPDATE OF case_id, photos ON "report"
  FOR EACH ROW EXECUTE FUNCTION cityops_report_case_photo();
--> statement-breakpoint
-- Backfill, so an existing installation keeps showing its photos: the uploader of each photo,
-- the photos of every report (on the case it belongs to now) and those named in a case's events
-- (`after.photos` of case.report/case.report_merged, `after.input.photos` of case actions).
INSERT INTO photo_uploader (photo_id, actor_id, created_at)
  SELECT id, created_by, created_at FROM photo WHERE created_by IS NOT NULL
  UNION ALL
  SELECT entity_id, actor_id, "at" FROM "event"
  WHERE action = 'photo.upload' AND entity_type = 'photo' AND entity_id IS NOT NULL AND actor_id IS NOT NULL
  ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO case_photo (photo_id, case_id)
  SELECT DISTINCT p, r.case_id
  FROM "report" r
  CROSS JOIN LATERAL jsonb_array_elements_text(
    CASE WHEN jsonb_typeof(r.photos) = 'array' THEN r.photos ELSE '[]'::jsonb END) AS p
  ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO case_photo (photo_id, case_id)
  SELECT DISTINCT p, c.id
  FROM "event" e
  JOIN case_file c ON c.id::text = e.entity_id
  CROSS JOIN LATERAL (VALUES (e."after" -> 'photos'), (e."after" -> 'input' -> 'photos')) AS v(x)
  CROSS JOIN LATERAL jsonb_array_elements_text(
    CASE WHEN jsonb_typeof(v.x) = 'array' THEN v.x ELSE '[]'::jsonb END) AS p
  WHERE e.entity_type = 'case'
  ON CONFLICT DO NOTHING;
