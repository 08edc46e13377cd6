ALTER TABLE "unit_endpoint" ADD COLUMN "sender" text DEFAULT 'webhook' NOT NULL;--> statement-breakpoint
-- Until now a failed delivery kept up to 300 characters of the receiver's answer in last_error,
-- and GET /api/endpoints/{id}/deliveries showed it: an endpoint pointed at an internal service
-- reflected that service's answer. Only the status stays; other values were the HTTP client's own
-- messages (timeouts, connection errors), not text from the other side.
UPDATE "delivery" SET "last_error" = substring("last_error" from '^HTTP [0-9]{3}')
  || CASE WHEN "last_error" ~ '^HTTP 3' THEN ' (redirect_not_followed)' ELSE ' (http_error)' END
WHERE "last_error" ~ '^HTTP [0-9]{3}:';
