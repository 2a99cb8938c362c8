-- How many alerts each force has of each rule and status, and nothing else: never whose, nor why. The
-- inspectorate sees counts and states, not people (P17), so row-level security still keeps every alert
-- row from it; this function reads them as the schema's owner and answers counts only, for every force
-- in the inspectorate's scope and for its own force in a force's scope (none in any other scope).
CREATE FUNCTION probity_alert_counts() RETURNS TABLE (force_id integer, rule text, status text, alerts integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    SELECT a.force_id, a.rule, a.status, count(*)::integer
      FROM alerts a
     WHERE current_setting('app.scope', true) = 'inspectorate'
        OR (current_setting('app.scope', true) = 'force'
            AND a.force_id = nullif(current_setting('app.force_id', true), '')::integer)
     GROUP BY a.force_id, a.rule, a.status
  $fn$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_alert_counts() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION probity_alert_counts() TO probity_app;
