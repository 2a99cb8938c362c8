-- Publication. The inspectorate writes everything. A force reads its own documents once they are sent to
-- it for the factual-accuracy check, and comments on them; everyone (the public, any force) reads a
-- published version — whether its embargo has ended is the service's check, on the service's clock.
-- A published version never changes and is never deleted: corrections are new versions.
GRANT SELECT, INSERT, UPDATE, DELETE ON publication_templates, publications, publication_versions
  TO probity_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON factual_accuracy_comments TO probity_app;
--> statement-breakpoint
DO $$
DECLARE
  target text;
  inspectorate constant text := $rule$current_setting('app.scope', true) = 'inspectorate'$rule$;
  own_force constant text := $rule$current_setting('app.scope', true) = 'force'
    AND force_id = nullif(current_setting('app.force_id', true), '')::integer$rule$;
BEGIN
  FOREACH target IN ARRAY ARRAY['publication_templates', 'publications']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO probity_app USING (true)', target || '_read', target);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO probity_app WITH CHECK (%s)',
                   target || '_insert', target, inspectorate);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO probity_app USING (%s) WITH CHECK (%s)',
                   target || '_update', target, inspectorate, inspectorate);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO probity_app USING (%s)',
                   target || '_delete', target, inspectorate);
  END LOOP;

  ALTER TABLE publication_versions ENABLE ROW LEVEL SECURITY;
  EXECUTE format('CREATE POLICY publication_versions_read ON publication_versions FOR SELECT TO probity_app
                  USING (%s OR status = %L OR (%s AND status <> %L))',
                 inspectorate, 'published', own_force, 'draft');
  EXECUTE format('CREATE POLICY publication_versions_insert ON publication_versions FOR INSERT TO probity_app
                  WITH CHECK (%s)', inspectorate);
  EXECUTE format('CREATE POLICY publication_versions_update ON publication_versions FOR UPDATE TO probity_app
                  USING (%s) WITH CHECK (%s)', inspectorate, inspectorate);
  EXECUTE format('CREATE POLICY publication_versions_delete ON publication_versions FOR DELETE TO probity_app
                  USING (%s)', inspectorate);

  ALTER TABLE factual_accuracy_comments ENABLE ROW LEVEL SECURITY;
  EXECUTE format('CREATE POLICY factual_accuracy_comments_read ON factual_accuracy_comments FOR SELECT
                  TO probity_app USING (%s OR (%s))', inspectorate, own_force);
  EXECUTE format('CREATE POLICY factual_accuracy_comments_insert ON factual_accuracy_comments FOR INSERT
                  TO probity_app WITH CHECK (%s)', own_force);
  EXECUTE format('CREATE POLICY factual_accuracy_comments_update ON factual_accuracy_comments FOR UPDATE
                  TO probity_app USING (%s) WITH CHECK (%s)', inspectorate, inspectorate);
END
$$;
--> statement-breakpoint
-- Whoever runs the statement (the app role, the owner, the command line), a published version stays as
-- it was published: the only way on is a new version.
CREATE FUNCTION refuse_changing_published_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'publication version % is published and cannot be changed', OLD.id
      USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER publication_versions_immutable BEFORE UPDATE OR DELETE ON publication_versions
  FOR EACH ROW EXECUTE FUNCTION refuse_changing_published_version();
