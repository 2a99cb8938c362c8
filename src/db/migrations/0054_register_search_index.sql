-- A trigram index on each register's search text (migration 0053), and one function that answers a
-- search through them. Under row-level security the planner may not use these indexes for a search
-- (LIKE is not leakproof, so it must wait until the policy has passed each row): the inspectorate's
-- search read all 350,000 gifts and 320,000 staff. The function runs as the schema's owner, to whom the
-- policies do not apply, so the indexes serve; it applies the registers' reading rule itself (migration
-- 0004, word for word), and the caller's query keeps its own policies on the rows it returns.
CREATE INDEX gifts_hospitality_search ON gifts_hospitality USING gin (search_text gin_trgm_ops);--> statement-breakpoint
CREATE INDEX staff_members_search ON staff_members USING gin (search_text gin_trgm_ops);--> statement-breakpoint
CREATE INDEX business_interests_search ON business_interests USING gin (search_text gin_trgm_ops);--> statement-breakpoint
CREATE INDEX media_contacts_search ON media_contacts USING gin (search_text gin_trgm_ops);--> statement-breakpoint
-- A search's matches by member of staff are found from the staff's side.
CREATE INDEX IF NOT EXISTS media_contacts_staff ON media_contacts (staff_member_id);--> statement-breakpoint
-- The ids of the register's rows the caller may read whose search text is LIKE `pattern` (already
-- lower-cased), and, given `staff_pattern`, of those whose member of staff's search text is LIKE it.
-- Each search is planned with its own pattern (EXECUTE), so a word too short for trigrams is scanned.
CREATE FUNCTION probity_search_matches(register text, pattern text, staff_pattern text DEFAULT NULL)
  RETURNS SETOF uuid LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  may_read constant text := $rule$(current_setting('app.scope', true) = 'inspectorate'
    OR %1$s.force_id = nullif(current_setting('app.force_id', true), '')::integer)$rule$;
BEGIN
  IF register NOT IN ('staff_members', 'gifts_hospitality', 'business_interests', 'media_contacts') THEN
    RAISE EXCEPTION 'no search of %', register USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY EXECUTE format('SELECT r.id FROM %I r WHERE r.search_text LIKE $1 AND %s',
    register, format(may_read, 'r')) USING pattern;
  IF staff_pattern IS NOT NULL AND register <> 'staff_members' THEN
    RETURN QUERY EXECUTE format(
      'SELECT r.id FROM staff_members s JOIN %I r ON r.force_id = s.force_id AND r.staff_member_id = s.id
        WHERE s.search_text LIKE $1 AND %s AND %s',
      register, format(may_read, 's'), format(may_read, 'r')) USING staff_pattern;
  END IF;
END
$fn$;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_search_matches(text, text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION probity_search_matches(text, text, text) TO probity_app;
