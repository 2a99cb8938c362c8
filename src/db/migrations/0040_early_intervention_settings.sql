CREATE TABLE "early_intervention_settings" (
	"force_id" integer NOT NULL,
	"indicator" text NOT NULL,
	"threshold" integer NOT NULL,
	"window_length" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "early_intervention_settings_force_id_indicator_pk" PRIMARY KEY("force_id","indicator")
);
--> statement-breakpoint
ALTER TABLE "early_intervention_settings" ADD CONSTRAINT "early_intervention_settings_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A force's own, like its alert rules: the inspectorate sees none of them.
GRANT SELECT, INSERT, UPDATE, DELETE ON early_intervention_settings TO probity_app;--> statement-breakpoint
ALTER TABLE early_intervention_settings ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY early_intervention_settings_own_force ON early_intervention_settings FOR ALL TO probity_app
  USING (current_setting('app.scope', true) = 'force'
         AND force_id = nullif(current_setting('app.force_id', true), '')::integer)
  WITH CHECK (current_setting('app.scope', true) = 'force'
              AND force_id = nullif(current_setting('app.force_id', true), '')::integer);--> statement-breakpoint
CREATE TRIGGER early_intervention_settings_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON early_intervention_settings FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
