-- Each register's searched columns, lower-cased once when a row is written, one column a line, so a
-- search (`?q=`) matches them with a case-sensitive LIKE: under row-level security no trigram index can
-- serve a search (LIKE and ILIKE are not leakproof), and LIKE scans about three times as fast as ILIKE.
-- The line break keeps a match from running from one column into the next. The roster's unit comes
-- last, so a search of names and staff numbers alone can ask for a line break after the match.
ALTER TABLE "gifts_hospitality" ADD COLUMN "search_text" text
  GENERATED ALWAYS AS (lower("description" || E'\n' || "donor_name")) STORED;--> statement-breakpoint
ALTER TABLE "staff_members" ADD COLUMN "search_text" text
  GENERATED ALWAYS AS (lower("name" || E'\n' || "staff_number" || E'\n' || "unit")) STORED;--> statement-breakpoint
ALTER TABLE "business_interests" ADD COLUMN "search_text" text
  GENERATED ALWAYS AS (lower("nature" || E'\n' || coalesce("employer", ''))) STORED;--> statement-breakpoint
ALTER TABLE "media_contacts" ADD COLUMN "search_text" text
  GENERATED ALWAYS AS (lower("purpose" || E'\n' || "discussed" || E'\n' || "journalist" || E'\n' || "outlet")) STORED;
