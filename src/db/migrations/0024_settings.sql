CREATE TABLE "settings" (
	"name" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The installation's settings: any scope reads them; only the inspectorate's scope (the system) writes.
GRANT SELECT, INSERT, UPDATE ON settings TO probity_app;
--> statement-breakpoint
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY settings_read ON settings FOR SELECT TO probity_app USING (true);
--> statement-breakpoint
CREATE POLICY settings_write ON settings FOR ALL TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate')
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');
--> statement-breakpoint
-- Like every table (0021): a committed change tells the servers that kept answers may be stale.
CREATE TRIGGER settings_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
--> statement-breakpoint
-- A database that already holds the demo dataset (entered before this marker existed) is marked as
-- entered, so that a later `serve --demo` leaves it alone too.
INSERT INTO settings (name, value)
  SELECT 'demo-dataset-entered', to_jsonb(now())
  WHERE EXISTS (SELECT 1 FROM users WHERE email = 'admin@inspectorate.example');
