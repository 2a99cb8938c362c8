-- Open data settings: everyone reads them (the public site applies them); only the inspectorate writes.
GRANT SELECT, INSERT, UPDATE, DELETE ON open_data_settings TO probity_app;
--> statement-breakpoint
ALTER TABLE open_data_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY open_data_settings_read ON open_data_settings FOR SELECT TO probity_app USING (true);
--> statement-breakpoint
CREATE POLICY open_data_settings_write ON open_data_settings FOR ALL TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate')
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');
