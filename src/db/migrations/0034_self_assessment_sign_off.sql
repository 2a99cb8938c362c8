CREATE TABLE "sign_off_delegations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date NOT NULL,
	"reason" text NOT NULL,
	"recorded_by" uuid,
	"recorded_by_name" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_by" uuid,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "sign_off_delegations_dates" CHECK ("sign_off_delegations"."valid_to" >= "sign_off_delegations"."valid_from")
);
--> statement-breakpoint
ALTER TABLE "self_assessments" ADD COLUMN "signed_off_by_staff_member_id" uuid;--> statement-breakpoint
ALTER TABLE "self_assessments" ADD COLUMN "sign_off_delegation_id" uuid;--> statement-breakpoint
ALTER TABLE "sign_off_delegations" ADD CONSTRAINT "sign_off_delegations_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_off_delegations" ADD CONSTRAINT "sign_off_delegations_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_off_delegations" ADD CONSTRAINT "sign_off_delegations_force_id_staff_member_id_staff_members_force_id_id_fk" FOREIGN KEY ("force_id","staff_member_id") REFERENCES "public"."staff_members"("force_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sign_off_delegations_force" ON "sign_off_delegations" USING btree ("force_id","valid_to");--> statement-breakpoint
ALTER TABLE "self_assessments" ADD CONSTRAINT "self_assessments_sign_off_delegation_id_sign_off_delegations_id_fk" FOREIGN KEY ("sign_off_delegation_id") REFERENCES "public"."sign_off_delegations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Sign-off delegations are force-owned (the tenant rule of 0004): the inspectorate reads every force's,
-- a force only its own, and a force writes only its own. Rows are revoked, never deleted.
GRANT SELECT, INSERT, UPDATE ON sign_off_delegations TO probity_app;
--> statement-breakpoint
ALTER TABLE sign_off_delegations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY sign_off_delegations_read ON sign_off_delegations FOR SELECT TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate'
    OR force_id = nullif(current_setting('app.force_id', true), '')::integer);
--> statement-breakpoint
CREATE POLICY sign_off_delegations_insert ON sign_off_delegations FOR INSERT TO probity_app
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer));
--> statement-breakpoint
CREATE POLICY sign_off_delegations_update ON sign_off_delegations FOR UPDATE TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer))
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer));
--> statement-breakpoint
CREATE TRIGGER sign_off_delegations_data_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sign_off_delegations
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
