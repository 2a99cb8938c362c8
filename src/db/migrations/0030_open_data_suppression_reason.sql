ALTER TABLE "open_data_settings" ADD COLUMN "reason" text;--> statement-breakpoint
-- Suppression was off unless someone turned it on. A threshold below the default (5) now needs a
-- recorded reason; settings saved before without one return to the default, the safe direction.
UPDATE "open_data_settings" SET "suppress_up_to" = 5 WHERE "suppress_up_to" IS NULL OR "suppress_up_to" < 5;
