-- A search answers where its matches are (their ctid), not which they are (their id). The caller read
-- each match by its id, a descent of the primary key's index (four pages) for the count and another for
-- the page: the inspectorate's search for a common surname read 28,000 pages to find its 3,500 matches.
-- By location, a TID scan reads each match's one page. A location holds for the caller's statement:
-- the function is STABLE, so it reads with the caller's snapshot, and a row version that snapshot can
-- see is neither moved nor removed while the snapshot lasts (an update writes a new version elsewhere).
-- Otherwise as probity_search_matches (migration 0054), which this replaces.
CREATE FUNCTION probity_search_locations(register text, pattern text, staff_pattern text DEFAULT NULL)
  RETURNS SETOF tid LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
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
  RETURN QUERY EXECUTE format('SELECT r.ctid FROM %I r WHERE r.search_text LIKE $1 AND %s', register, own_readable)
    USING pattern;
  IF staff_pattern IS NOT NULL AND register <> 'staff_members' THEN
    -- The matching staff first, then their rows by the index on the member of staff: joined, the
    -- planner chose to read every row of the register for a few thousand staff.
    RETURN QUERY EXECUTE format(
      'SELECT r.ctid FROM %I r WHERE r.staff_member_id = ANY (ARRAY(
         SELECT s.id FROM staff_members s WHERE s.search_text LIKE $1 AND %s)) AND %s',
      register, staff_readable, own_readable) USING staff_pattern;
  END IF;
END
$fn$;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_search_locations(text, text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION probity_search_locations(text, text, text) TO probity_app;--> statement-breakpoint
DROP FUNCTION probity_search_matches(text, text, text);
