-- Force-owned register tables. Reading: the inspectorate sees every force; a force — or the public
-- register reading one force ('publication' scope) — sees only that force's rows. Writing: only the
-- inspectorate or the force itself, never into another force, and never from the publication scope.
DO $$
DECLARE
  register text;
  may_read constant text := $rule$current_setting('app.scope', true) = 'inspectorate'
    OR force_id = nullif(current_setting('app.force_id', true), '')::integer$rule$;
  may_write constant text := $rule$current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer)$rule$;
BEGIN
  FOREACH register IN ARRAY ARRAY['staff_members', 'business_interests', 'gifts_hospitality', 'media_contacts',
                                  'gift_thresholds', 'publication_settings', 'pending_imports']
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
