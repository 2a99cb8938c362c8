-- Surveys are the inspectorate's, not any force's. The app role reads the definitions, waves and
-- published aggregate cells in any scope (they hold nothing personal; the routes still limit them to the
-- inspectorate), and writes them only in the inspectorate's scope; the service also requires an
-- inspectorate role. Respondents (microdata) are read and written only in the inspectorate's scope, and
-- no route or export ever shows them one by one: only their aggregates.
DO $$
DECLARE
  target text;
  inspectorate constant text := $rule$current_setting('app.scope', true) = 'inspectorate'$rule$;
BEGIN
  FOREACH target IN ARRAY ARRAY['surveys', 'survey_questionnaires', 'survey_waves', 'survey_published_cells', 'survey_respondents']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO probity_app', target);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO probity_app USING (%s) WITH CHECK (%s)',
                   target || '_inspectorate', target, inspectorate, inspectorate);
    IF target <> 'survey_respondents' THEN
      EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO probity_app USING (true)', target || '_read', target);
    END IF;
    -- Like every table (0021): a committed change tells the servers that kept answers may be stale.
    EXECUTE format(
      'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
      'FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed()',
      target || '_data_changed', target);
  END LOOP;
END
$$;
