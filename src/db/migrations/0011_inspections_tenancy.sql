-- Inspections. Frameworks and inspections are the inspectorate's: anyone may read them (forces answer
-- their questions, the public reads what was inspected); only the inspectorate writes them.
-- A force's part of an inspection follows the tenant rule of 0004: the inspectorate reads every force,
-- a force only its own, and writes go only into one's own force. Fieldwork (evidence notes, findings,
-- judgements) is the inspectorate's alone until it is published. Progress updates are never changed.
DO $$
DECLARE
  target text;
  inspectorate constant text := $rule$current_setting('app.scope', true) = 'inspectorate'$rule$;
  may_read constant text := $rule$current_setting('app.scope', true) = 'inspectorate'
    OR force_id = nullif(current_setting('app.force_id', true), '')::integer$rule$;
  may_write constant text := $rule$current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer)$rule$;
BEGIN
  FOREACH target IN ARRAY ARRAY['frameworks', 'framework_areas', 'framework_questions',
                                'framework_recommendations', 'framework_mappings', 'inspections']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO probity_app', target);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO probity_app USING (true)', target || '_read', target);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO probity_app WITH CHECK (%s)',
                   target || '_insert', target, inspectorate);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO probity_app USING (%s) WITH CHECK (%s)',
                   target || '_update', target, inspectorate, inspectorate);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO probity_app USING (%s)',
                   target || '_delete', target, inspectorate);
  END LOOP;

  FOREACH target IN ARRAY ARRAY['force_assessments', 'self_assessments', 'self_assessment_answers',
                                'data_return_values']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO probity_app', target);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO probity_app USING (%s)',
                   target || '_read', target, may_read);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO probity_app WITH CHECK (%s)',
                   target || '_insert', target, may_write);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO probity_app USING (%s) WITH CHECK (%s)',
                   target || '_update', target, may_write, may_write);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO probity_app USING (%s)',
                   target || '_delete', target, may_write);
  END LOOP;

  FOREACH target IN ARRAY ARRAY['evidence_notes', 'findings', 'judgements']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO probity_app', target);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO probity_app USING (%s) WITH CHECK (%s)',
                   target || '_inspectorate', target, inspectorate, inspectorate);
  END LOOP;

  GRANT SELECT, INSERT ON recommendation_progress TO probity_app;
  ALTER TABLE recommendation_progress ENABLE ROW LEVEL SECURITY;
  EXECUTE format('CREATE POLICY recommendation_progress_read ON recommendation_progress FOR SELECT
                  TO probity_app USING (%s)', may_read);
  EXECUTE format('CREATE POLICY recommendation_progress_insert ON recommendation_progress FOR INSERT
                  TO probity_app WITH CHECK (%s)', may_write);
END
$$;
