CREATE TABLE "escalation_rules" (
	"rule" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"threshold" integer,
	"days" integer,
	"judgements" jsonb,
	"state" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_state_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"inspection_id" uuid,
	"status" text DEFAULT 'proposed' NOT NULL,
	"proposed_by" uuid,
	"proposed_by_label" text NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_by_label" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"published" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "monitoring_state_changes" ADD CONSTRAINT "monitoring_state_changes_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_state_changes" ADD CONSTRAINT "monitoring_state_changes_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_state_changes" ADD CONSTRAINT "monitoring_state_changes_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_state_changes" ADD CONSTRAINT "monitoring_state_changes_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "monitoring_state_changes_force" ON "monitoring_state_changes" USING btree ("force_id","proposed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_state_changes_one_proposal" ON "monitoring_state_changes" USING btree ("force_id") WHERE status = 'proposed';--> statement-breakpoint
ALTER TABLE "escalation_rules" ADD CONSTRAINT "escalation_rules_state" CHECK ("state" IN ('scan', 'engage', 'intervention'));--> statement-breakpoint
ALTER TABLE "monitoring_state_changes" ADD CONSTRAINT "monitoring_state_changes_states" CHECK ("from_state" IN ('scan', 'engage', 'intervention') AND "to_state" IN ('scan', 'engage', 'intervention'));--> statement-breakpoint
ALTER TABLE "monitoring_state_changes" ADD CONSTRAINT "monitoring_state_changes_status" CHECK ("status" IN ('proposed', 'confirmed', 'rejected', 'superseded'));--> statement-breakpoint
-- The rules are the inspectorate's alone. A force's monitoring states are rows of that force: the
-- inspectorate reads and writes them all; a force reads only its own confirmed changes (never a
-- proposal, nor one rejected); the public reads only the confirmed changes the inspectorate published.
GRANT SELECT, INSERT, UPDATE, DELETE ON "escalation_rules" TO probity_app;--> statement-breakpoint
ALTER TABLE "escalation_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "escalation_rules_inspectorate" ON "escalation_rules" FOR ALL TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate')
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "monitoring_state_changes" TO probity_app;--> statement-breakpoint
ALTER TABLE "monitoring_state_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "monitoring_state_changes_inspectorate" ON "monitoring_state_changes" FOR ALL TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate')
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');--> statement-breakpoint
CREATE POLICY "monitoring_state_changes_own_force" ON "monitoring_state_changes" FOR SELECT TO probity_app
  USING (current_setting('app.scope', true) = 'force'
    AND force_id = nullif(current_setting('app.force_id', true), '')::integer
    AND status = 'confirmed');--> statement-breakpoint
CREATE POLICY "monitoring_state_changes_public" ON "monitoring_state_changes" FOR SELECT TO probity_app
  USING (current_setting('app.scope', true) IN ('public', 'publication')
    AND status = 'confirmed' AND published);--> statement-breakpoint
-- Like every table (0021): a committed change tells the servers that kept answers may be stale.
CREATE TRIGGER "escalation_rules_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "escalation_rules"
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();--> statement-breakpoint
CREATE TRIGGER "monitoring_state_changes_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "monitoring_state_changes"
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
