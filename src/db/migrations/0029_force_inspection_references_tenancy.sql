-- Forces' regions and HM Inspectors: everyone reads them (published releases name them); only the
-- inspectorate writes them. Rows are never deleted: a change is an update or a new dated row.
GRANT SELECT, INSERT, UPDATE ON force_inspection_references TO probity_app;
--> statement-breakpoint
ALTER TABLE force_inspection_references ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY force_inspection_references_read ON force_inspection_references FOR SELECT TO probity_app
  USING (true);
--> statement-breakpoint
CREATE POLICY force_inspection_references_insert ON force_inspection_references FOR INSERT TO probity_app
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');
--> statement-breakpoint
CREATE POLICY force_inspection_references_update ON force_inspection_references FOR UPDATE TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate')
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');
--> statement-breakpoint
CREATE TRIGGER force_inspection_references_data_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON force_inspection_references
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
