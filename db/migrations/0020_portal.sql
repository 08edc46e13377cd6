CREATE TABLE "portal_report" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"phone_key" text,
	"fingerprint" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "portal_report" ADD CONSTRAINT "portal_report_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "portal_report_phone_idx" ON "portal_report" USING btree ("phone_key","created_at") WHERE phone_key IS NOT NULL;