CREATE TABLE "confidential_report_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"filename" text NOT NULL,
	"media_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"iv" "bytea" NOT NULL,
	"auth_tag" "bytea" NOT NULL,
	"ciphertext" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "confidential_report_counts" (
	"force_id" integer NOT NULL,
	"year" integer NOT NULL,
	"deleted" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "confidential_report_counts_force_id_year_pk" PRIMARY KEY("force_id","year")
);
--> statement-breakpoint
CREATE TABLE "confidential_report_form_tokens" (
	"force_id" integer NOT NULL,
	"nonce" text NOT NULL,
	"spent_on" date NOT NULL,
	CONSTRAINT "confidential_report_form_tokens_force_id_nonce_pk" PRIMARY KEY("force_id","nonce")
);
--> statement-breakpoint
CREATE TABLE "confidential_report_messages" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"author" text NOT NULL,
	"author_id" uuid,
	"author_label" text,
	"body" text NOT NULL,
	"sent_on" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "confidential_reporting_settings" (
	"force_id" integer PRIMARY KEY NOT NULL,
	"retention_days" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "confidential_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"receipt_code" text NOT NULL,
	"passphrase_hash" text NOT NULL,
	"reporter_name" text,
	"account" text NOT NULL,
	"received_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"case_id" uuid,
	"closed_reason" text,
	"closed_on" date,
	"closed_by" uuid,
	CONSTRAINT "confidential_reports_receipt" UNIQUE("receipt_code"),
	CONSTRAINT "confidential_reports_force_report" UNIQUE("force_id","id")
);
--> statement-breakpoint
ALTER TABLE "confidential_report_attachments" ADD CONSTRAINT "confidential_report_attachments_force_id_report_id_confidential_reports_force_id_id_fk" FOREIGN KEY ("force_id","report_id") REFERENCES "public"."confidential_reports"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidential_report_counts" ADD CONSTRAINT "confidential_report_counts_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidential_report_form_tokens" ADD CONSTRAINT "confidential_report_form_tokens_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidential_report_messages" ADD CONSTRAINT "confidential_report_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidential_report_messages" ADD CONSTRAINT "confidential_report_messages_force_id_report_id_confidential_reports_force_id_id_fk" FOREIGN KEY ("force_id","report_id") REFERENCES "public"."confidential_reports"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidential_reporting_settings" ADD CONSTRAINT "confidential_reporting_settings_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidential_reports" ADD CONSTRAINT "confidential_reports_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidential_reports" ADD CONSTRAINT "confidential_reports_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidential_reports" ADD CONSTRAINT "confidential_reports_force_id_case_id_integrity_cases_force_id_id_fk" FOREIGN KEY ("force_id","case_id") REFERENCES "public"."integrity_cases"("force_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "confidential_report_attachments_report" ON "confidential_report_attachments" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "confidential_report_messages_report" ON "confidential_report_messages" USING btree ("report_id","seq");--> statement-breakpoint
CREATE INDEX "confidential_reports_force_status" ON "confidential_reports" USING btree ("force_id","status","received_on");--> statement-breakpoint
-- A force's own, and no one else's: not even the inspectorate reads a force's confidential reports.
-- Within the force, the service lets only its anti-corruption caseworkers reach them; a reporter's
-- visit (no sign-in) runs in the force's scope and reaches only the report its passphrase opened.
DO $$
DECLARE
  owned text;
  own_force constant text := $rule$current_setting('app.scope', true) = 'force'
    AND force_id = nullif(current_setting('app.force_id', true), '')::integer$rule$;
BEGIN
  FOREACH owned IN ARRAY ARRAY['confidential_reports', 'confidential_report_messages',
                               'confidential_report_attachments', 'confidential_reporting_settings',
                               'confidential_report_counts', 'confidential_report_form_tokens']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO probity_app', owned);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', owned);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO probity_app USING (%s) WITH CHECK (%s)',
                   owned || '_own_force', owned, own_force, own_force);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed()',
                   owned || '_data_changed', owned);
  END LOOP;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE confidential_report_messages_seq_seq TO probity_app;
