-- A change to an organisation's names (a new donor or employer, or a merge) ran every rule over the whole
-- force: 0.8 s for the Metropolitan Police on each gift from a donor not seen before. A name resolves only
-- the gifts and second jobs that carry it, so only their staff's alerts can change (every rule that reads
-- an organisation reaches it through a gift's donor or a second job's employer): the rules now run for
-- those staff alone. Run as the owner, so the staff are found whoever made the change; only the trigger
-- may call it (the app's role may not run the rules over another force's staff).
CREATE FUNCTION probity_raise_alerts_for_name_keys(p_force integer, p_keys text[]) RETURNS integer
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT probity_raise_alerts(p_force, touched.staff)
    FROM (SELECT array(
            SELECT staff_member_id FROM gifts_hospitality
             WHERE force_id = p_force AND probity_organisation_key(donor_name) = ANY (p_keys)
            UNION
            SELECT staff_member_id FROM business_interests
             WHERE force_id = p_force AND probity_organisation_key(employer) = ANY (p_keys)) AS staff) touched
   WHERE cardinality(touched.staff) > 0
$fn$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_raise_alerts_for_name_keys(integer, text[]) FROM PUBLIC;
--> statement-breakpoint
CREATE FUNCTION probity_raise_alerts_for_names() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM probity_raise_alerts_for_name_keys(force_id, array_agg(name_key)) FROM new_rows GROUP BY force_id;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM probity_raise_alerts_for_name_keys(force_id, array_agg(name_key)) FROM old_rows GROUP BY force_id;
  ELSE
    PERFORM probity_raise_alerts_for_name_keys(force_id, array_agg(name_key))
       FROM (SELECT force_id, name_key FROM new_rows UNION SELECT force_id, name_key FROM old_rows) touched
      GROUP BY force_id;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER organisation_names_raise_alerts_on_insert ON organisation_names;
--> statement-breakpoint
DROP TRIGGER organisation_names_raise_alerts_on_update ON organisation_names;
--> statement-breakpoint
DROP TRIGGER organisation_names_raise_alerts_on_delete ON organisation_names;
--> statement-breakpoint
CREATE TRIGGER organisation_names_raise_alerts_on_insert AFTER INSERT ON organisation_names
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION probity_raise_alerts_for_names();
--> statement-breakpoint
CREATE TRIGGER organisation_names_raise_alerts_on_update AFTER UPDATE ON organisation_names
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION probity_raise_alerts_for_names();
--> statement-breakpoint
CREATE TRIGGER organisation_names_raise_alerts_on_delete AFTER DELETE ON organisation_names
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION probity_raise_alerts_for_names();
