ALTER TABLE "publication_settings" ADD COLUMN "minimum_group" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
-- The published registers' disclosure rule: no combination of grade, unit and category shared by
-- fewer people than this is shown. Five nationally; a force may ask for more, never for fewer.
ALTER TABLE "publication_settings" ADD CONSTRAINT "publication_settings_minimum_group_range"
  CHECK ("minimum_group" BETWEEN 5 AND 50);
