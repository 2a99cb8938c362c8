-- A force's search, narrowed to the force by its index. The trigram indexes (migrations 0054, 0064) held
-- the searched text alone, so a force's search for a common word rechecked every force's matches and
-- kept its own: Warwickshire's gifts matching "county" were 132 of the 17,495 rows read. Each index now
-- holds the force too (btree_gin, which lets GIN index an integer beside the trigrams), and the force's
-- condition in `probity_search_locations` narrows the index scan itself. The inspectorate's search, with
-- no force condition, reads the trigram entries alone, as before.
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
DROP INDEX gifts_hospitality_search;--> statement-breakpoint
CREATE INDEX gifts_hospitality_search ON gifts_hospitality
  USING gin (force_id, (search_text || E'\n' || staff_search_text) gin_trgm_ops);--> statement-breakpoint
DROP INDEX business_interests_search;--> statement-breakpoint
CREATE INDEX business_interests_search ON business_interests
  USING gin (force_id, (search_text || E'\n' || staff_search_text) gin_trgm_ops);--> statement-breakpoint
DROP INDEX media_contacts_search;--> statement-breakpoint
CREATE INDEX media_contacts_search ON media_contacts
  USING gin (force_id, (search_text || E'\n' || staff_search_text) gin_trgm_ops);--> statement-breakpoint
DROP INDEX staff_members_search;--> statement-breakpoint
CREATE INDEX staff_members_search ON staff_members USING gin (force_id, search_text gin_trgm_ops);
