CREATE TABLE "welsh_translation_approvals" (
	"key" text PRIMARY KEY NOT NULL,
	"welsh" text NOT NULL,
	"approved_by" uuid,
	"approved_by_label" text NOT NULL,
	"approved_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "welsh_translation_approvals" ADD CONSTRAINT "welsh_translation_approvals_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Which Welsh strings an inspectorate administrator approved: no force's data, so every scope reads;
-- only the inspectorate writes. A changed translation is approved again (an update), never deleted.
GRANT SELECT, INSERT, UPDATE ON welsh_translation_approvals TO probity_app;
--> statement-breakpoint
ALTER TABLE welsh_translation_approvals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY welsh_translation_approvals_read ON welsh_translation_approvals FOR SELECT TO probity_app
  USING (true);
--> statement-breakpoint
CREATE POLICY welsh_translation_approvals_insert ON welsh_translation_approvals FOR INSERT TO probity_app
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');
--> statement-breakpoint
CREATE POLICY welsh_translation_approvals_update ON welsh_translation_approvals FOR UPDATE TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate')
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');
--> statement-breakpoint
CREATE TRIGGER welsh_translation_approvals_data_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON welsh_translation_approvals
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
