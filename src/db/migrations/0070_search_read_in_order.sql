-- A list's search for a common word, read in the list's order. A list's count and page read every match
-- of its search (migration 0057): "local" matched 64,004 of the country's 350,000 gifts, each rechecked
-- in the register and sorted, 120 ms warm for a page of 50. The search now reads at most `most` matches:
-- the caller asks for as many as reading them all would be cheaper than reading the list row by row, and,
-- given that many, reads the list in its own order instead, matching row by row, until it has its page
-- (`countWithPageIds`).
DROP FUNCTION probity_search_locations(text, text);--> statement-breakpoint
-- The locations of at most `most` (all when null) of the rows the caller may read whose searched text is
-- LIKE `pattern` (already lower-cased): as migration 0064's function, which this replaces. Always through
-- the trigram index: given a LIMIT, the planner reckoned a scan of the table, stopping once it had enough,
-- cheaper, but matching each row there costs more than it reckons ("grateful", 2,646 of the country's
-- gifts: 28 ms by the table, 15 ms by the index).
CREATE FUNCTION probity_search_locations(register text, pattern text, most integer DEFAULT NULL)
  RETURNS SETOF tid LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp SET enable_seqscan = off AS $fn$
DECLARE
  readable text := 'true';
  searched text := 'r.search_text';
BEGIN
  IF register NOT IN ('staff_members', 'gifts_hospitality', 'business_interests', 'media_contacts') THEN
    RAISE EXCEPTION 'no search of %', register USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF current_setting('app.scope', true) IS DISTINCT FROM 'inspectorate' THEN
    IF nullif(current_setting('app.force_id', true), '') IS NULL THEN
      RETURN;
    END IF;
    readable := format('r.force_id = %s', nullif(current_setting('app.force_id', true), '')::integer);
  END IF;
  IF register <> 'staff_members' THEN
    searched := $$(r.search_text || E'\n' || r.staff_search_text)$$;
  END IF;
  RETURN QUERY EXECUTE format('SELECT r.ctid FROM %I r WHERE %s LIKE $1 AND %s LIMIT $2', register, searched, readable)
    USING pattern, most;
END
$fn$;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_search_locations(text, text, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION probity_search_locations(text, text, integer) TO probity_app;--> statement-breakpoint
CREATE INDEX "gifts_hospitality_offered" ON "gifts_hospitality" USING btree ("offered_on" DESC NULLS FIRST,"created_at" DESC NULLS FIRST,"id");
