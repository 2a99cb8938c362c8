-- Integrity cases, referrals and anti-corruption unit staffing: the tenant rule of 0004 (the inspectorate
-- reads every force, a force only its own; writes only into one's own force), and for confidential
-- cases a further rule: only the caseworkers named on the case (integrity_case_access, matched against
-- the transaction's app.user_id) read or change it, its subjects, links, notes and access list. The
-- command line acts as the system (app.user_id = 'system') and reads everything.
DO $$
DECLARE
  register text;
  may_read constant text := $rule$current_setting('app.scope', true) = 'inspectorate'
    OR force_id = nullif(current_setting('app.force_id', true), '')::integer$rule$;
  may_write constant text := $rule$current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer)$rule$;
BEGIN
  FOREACH register IN ARRAY ARRAY['referrals', 'acu_staffing']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO probity_app', register);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', register);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO probity_app USING (%s)',
                   register || '_read', register, may_read);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO probity_app WITH CHECK (%s)',
                   register || '_insert', register, may_write);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO probity_app USING (%s) WITH CHECK (%s)',
                   register || '_update', register, may_write, may_write);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO probity_app USING (%s)',
                   register || '_delete', register, may_write);
  END LOOP;
END
$$;
--> statement-breakpoint
-- Whether the acting user is named on a case. Security definer, so that the policies on the case and
-- on its access list can ask without recursing into each other's row-level security.
CREATE FUNCTION integrity_case_named(target uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT current_setting('app.user_id', true) = 'system'
      OR EXISTS (SELECT 1 FROM integrity_case_access a
                 WHERE a.case_id = target AND a.user_id::text = current_setting('app.user_id', true))
$$;
--> statement-breakpoint
-- Whether nobody is named on a case yet: whoever makes a case confidential names the first people.
CREATE FUNCTION integrity_case_unnamed(target uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT NOT EXISTS (SELECT 1 FROM integrity_case_access a WHERE a.case_id = target)
$$;
--> statement-breakpoint
DO $$
DECLARE
  child text;
  may_read constant text := $rule$(current_setting('app.scope', true) = 'inspectorate'
    OR force_id = nullif(current_setting('app.force_id', true), '')::integer)$rule$;
  may_write constant text := $rule$(current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer))$rule$;
  -- Row-level security applies inside the sub-query too: a child row is visible with its case.
  case_visible constant text := $rule$EXISTS (SELECT 1 FROM integrity_cases c WHERE c.id = case_id)$rule$;
BEGIN
  GRANT SELECT, INSERT, UPDATE ON integrity_cases TO probity_app;
  ALTER TABLE integrity_cases ENABLE ROW LEVEL SECURITY;
  EXECUTE format('CREATE POLICY integrity_cases_read ON integrity_cases FOR SELECT TO probity_app
                  USING (%s AND (NOT confidential OR integrity_case_named(id)))', may_read);
  EXECUTE format('CREATE POLICY integrity_cases_insert ON integrity_cases FOR INSERT TO probity_app
                  WITH CHECK (%s)', may_write);
  EXECUTE format('CREATE POLICY integrity_cases_update ON integrity_cases FOR UPDATE TO probity_app
                  USING (%s AND (NOT confidential OR integrity_case_named(id))) WITH CHECK (%s)',
                 may_write, may_write);

  FOREACH child IN ARRAY ARRAY['integrity_case_subjects', 'integrity_case_links', 'integrity_case_notes']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON %I TO probity_app', child);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', child);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO probity_app USING (%s AND %s)',
                   child || '_read', child, may_read, case_visible);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO probity_app WITH CHECK (%s AND %s)',
                   child || '_insert', child, may_write, case_visible);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO probity_app USING (%s AND %s)',
                   child || '_delete', child, may_write, case_visible);
  END LOOP;

  GRANT SELECT, INSERT, DELETE ON integrity_case_access TO probity_app;
  ALTER TABLE integrity_case_access ENABLE ROW LEVEL SECURITY;
  EXECUTE format('CREATE POLICY integrity_case_access_read ON integrity_case_access FOR SELECT TO probity_app
                  USING (%s AND integrity_case_named(case_id))', may_read);
  EXECUTE format('CREATE POLICY integrity_case_access_insert ON integrity_case_access FOR INSERT TO probity_app
                  WITH CHECK (%s AND (integrity_case_named(case_id) OR integrity_case_unnamed(case_id)))',
                 may_write);
  EXECUTE format('CREATE POLICY integrity_case_access_delete ON integrity_case_access FOR DELETE TO probity_app
                  USING (%s AND integrity_case_named(case_id))', may_write);
END
$$;
--> statement-breakpoint
-- What everyone in the force (and the inspectorate) may know of every case, confidential or not: that
-- it exists, its type, dates, status and outcome, for lists and counts. The view runs as its owner, so
-- the confidential rule above does not hide the row; the tenant rule is written into it instead.
CREATE VIEW integrity_case_headers AS
  SELECT id, force_id, reference, type, status, outcome, opened_on, closed_on, confidential, created_at
  FROM integrity_cases
  WHERE current_setting('app.scope', true) = 'inspectorate'
     OR force_id = nullif(current_setting('app.force_id', true), '')::integer;
--> statement-breakpoint
GRANT SELECT ON integrity_case_headers TO probity_app;
