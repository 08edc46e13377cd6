CREATE TABLE "evaluation_ranking" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_type" text NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"version" integer NOT NULL,
	"template_id" uuid NOT NULL,
	"template_version" integer NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"lines" jsonb NOT NULL,
	"previous_from" date NOT NULL,
	"previous_to" date NOT NULL,
	"previous_source" text NOT NULL,
	"computed_by" text NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" text,
	"published_at" timestamp with time zone,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "evaluation_template" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_type" text NOT NULL,
	"version" integer NOT NULL,
	"current" boolean DEFAULT true NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"definition" jsonb NOT NULL,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "evaluation_ranking" ADD CONSTRAINT "evaluation_ranking_template_id_evaluation_template_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."evaluation_template"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_ranking_period_version_idx" ON "evaluation_ranking" USING btree ("subject_type","period_from","period_to","version");--> statement-breakpoint
CREATE INDEX "evaluation_ranking_published_idx" ON "evaluation_ranking" USING btree ("subject_type","state","period_from");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_template_type_version_idx" ON "evaluation_template" USING btree ("subject_type","version");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_template_current_idx" ON "evaluation_template" USING btree ("subject_type") WHERE current;--> statement-breakpoint
-- A published ranking is frozen: the database itself refuses to change or remove it, whatever the
-- application does (recomputing the period makes a new version). Custom SQL: re-append it if this
-- migration is ever regenerated.
CREATE OR REPLACE FUNCTION cityops_ranking_frozen() RETURNS trigger AS $$
BEGIN
  IF OLD.state = 'published' THEN
    RAISE EXCEPTION 'a published ranking is frozen: % is not allowed', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER evaluation_ranking_frozen BEFORE UPDATE OR DELETE ON "evaluation_ranking"
  FOR EACH ROW EXECUTE FUNCTION cityops_ranking_frozen();
