-- Policies, their versions and the acknowledgement requests: the tenant rule of 0004 (the inspectorate
-- reads every force, a force only its own; writes only into one's own force). Who in the force may read
-- a restricted version (its audience, caseworkers and administrators) is the service's check.
DO $$
DECLARE
  register text;
  may_read constant text := $rule$current_setting('app.scope', true) = 'inspectorate'
    OR force_id = nullif(current_setting('app.force_id', true), '')::integer$rule$;
  may_write constant text := $rule$current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer)$rule$;
BEGIN
  FOREACH register IN ARRAY ARRAY['policies', 'policy_versions', 'policy_acknowledgement_requests']
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
