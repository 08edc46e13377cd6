ALTER TABLE "report" ADD COLUMN "fingerprint" text;--> statement-breakpoint
-- The portal's own fingerprints are not moved: they hashed its fields in another form (not the
-- canonical JSON of platform/idempotency.ts), and a retry of such a report would be refused. Those
-- reports answer a retry as before, like every report made before fingerprints were kept.
ALTER TABLE "portal_report" DROP COLUMN "fingerprint";
