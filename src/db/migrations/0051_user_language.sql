-- The language a person chose for the pages, kept with their account so that it follows them to any
-- browser; null until they choose. The users table's grants and row-level security cover it as they do
-- its other columns (0002, 0027).
ALTER TABLE "users" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_language" CHECK ("users"."language" in ('en', 'cy'));
