-- A trigram index on each register's search text (migration 0053), and one function that answers a
-- search through them. Under row-level security the planner may not use these indexes for a search
-- (LIKE is not leakproof, so it must wait until the policy has passed each row): the inspectorate's
-- search read all 350,000 gifts and 320,000 staff. The function runs as the schema's owner, to whom the
-- policies do not apply, so the indexes serve; it applies the registers' reading rule itself, and the
-- caller's query keeps its own policies on the rows it returns.
CREATE INDEX gifts_hospitality_search ON gifts_hospitality USING gin (search_text gin_trgm_ops);--> statement-breakpoint
CREATE INDEX staff_members_search ON staff_members USING gin (search_text gin_trgm_ops);--> statement-breakpoint
CREATE INDEX business_interests_search ON business_interests USING gin (search_text gin_trgm_ops);--> statement-breakpoint
CREATE INDEX media_contacts_search ON media_contacts USING gin (search_text gin_trgm_ops);--> statement-breakpoint
-- A search's matches by member of staff are found from the staff's side.
CREATE INDEX IF NOT EXISTS media_contacts_staff ON media_contacts (staff_member_id);--> statement-breakpoint
-- The ids of the register's rows the caller may read whose search text is LIKE `pattern` (already
-- lower-cased), and, given `staff_pattern`, of those whose member of staff's search text is LIKE it.
-- Who may read is the registers' rule (migration 0004): the inspectorate every force, anyone else the
-- force of app.force_id, or none. Each search is planned with its own pattern and force (EXECUTE), so
-- a force's search can use its force's indexes, and a word too short for trigrams is scanned.
CREATE FUNCTION probity_search_matches(register text, pattern text, staff_pattern text DEFAULT NULL)
  RETURNS SETOF uuid LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  readable_force integer;
  own_readable text := 'true';
  staff_readable text := 'true';
BEGIN
  IF register NOT IN ('staff_members', 'gifts_hospitality', 'business_interests', 'media_contacts') THEN
    RAISE EXCEPTION 'no search of %', register USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF current_setting('app.scope', true) IS DISTINCT FROM 'inspectorate' THEN
    readable_force := nullif(current_setting('app.force_id', true), '')::integer;
    IF readable_force IS NULL THEN
      RETURN;
    END IF;
    own_readable := format('r.force_id = %s', readable_force);
    staff_readable := format('s.force_id = %s', readable_force);
  END IF;
  RETURN QUERY EXECUTE format('SELECT r.id FROM %I r WHERE r.search_text LIKE $1 AND %s', register, own_readable)
    USING pattern;
  IF staff_pattern IS NOT NULL AND register <> 'staff_members' THEN
    -- The matching staff first, then their rows by the index on the member of staff: joined, the
    -- planner chose to read every row of the register for a few thousand staff.
    RETURN QUERY EXECUTE format(
      'SELECT r.id FROM %I r WHERE r.staff_member_id = ANY (ARRAY(
         SELECT s.id FROM staff_members s WHERE s.search_text LIKE $1 AND %s)) AND %s',
      register, staff_readable, own_readable) USING staff_pattern;
  END IF;
END
$fn$;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_search_matches(text, text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION probity_search_matches(text, text, text) TO probity_app;
