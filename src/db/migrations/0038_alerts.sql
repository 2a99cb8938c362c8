CREATE TABLE "alert_rule_settings" (
	"force_id" integer NOT NULL,
	"rule" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"threshold" integer,
	"window_days" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rule_settings_force_id_rule_pk" PRIMARY KEY("force_id","rule")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"rule" text NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"subject_key" text NOT NULL,
	"reason" text NOT NULL,
	"records" jsonb NOT NULL,
	"occurred_on" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"decision_note" text,
	"case_id" uuid,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_force_rule_subject" UNIQUE("force_id","rule","subject_key")
);
--> statement-breakpoint
ALTER TABLE "alert_rule_settings" ADD CONSTRAINT "alert_rule_settings_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alerts_force_status" ON "alerts" USING btree ("force_id","status");--> statement-breakpoint
CREATE INDEX "alerts_staff" ON "alerts" USING btree ("staff_member_id");