CREATE TABLE "acu_staffing" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"as_of" date NOT NULL,
	"posts_funded" numeric(7, 2) NOT NULL,
	"posts_filled" numeric(7, 2) NOT NULL,
	"notes" text,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "acu_staffing_force_date" UNIQUE("force_id","as_of")
);
--> statement-breakpoint
CREATE TABLE "integrity_case_access" (
	"case_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrity_case_access_case_id_user_id_pk" PRIMARY KEY("case_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "integrity_case_links" (
	"case_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrity_case_links_case_id_entity_type_entity_id_pk" PRIMARY KEY("case_id","entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "integrity_case_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"text" text NOT NULL,
	"author_id" uuid,
	"author_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrity_case_subjects" (
	"case_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrity_case_subjects_case_id_staff_member_id_pk" PRIMARY KEY("case_id","staff_member_id")
);
--> statement-breakpoint
CREATE TABLE "integrity_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"reference" text NOT NULL,
	"type" text NOT NULL,
	"source" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"outcome" text,
	"opened_on" date NOT NULL,
	"closed_on" date,
	"target_date" date,
	"assigned_to" uuid,
	"confidential" boolean DEFAULT false NOT NULL,
	"summary" text NOT NULL,
	"opened_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrity_cases_force_reference" UNIQUE("force_id","reference"),
	CONSTRAINT "integrity_cases_force_case" UNIQUE("force_id","id")
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"type" text NOT NULL,
	"finding" text NOT NULL,
	"evidence_url" text,
	"evidence" text,
	"referred_on" date NOT NULL,
	"created_by" uuid,
	"created_by_label" text NOT NULL,
	"status" text DEFAULT 'awaiting response' NOT NULL,
	"case_id" uuid,
	"no_action_reason" text,
	"responded_by" uuid,
	"responded_by_label" text,
	"responded_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "acu_staffing" ADD CONSTRAINT "acu_staffing_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "acu_staffing" ADD CONSTRAINT "acu_staffing_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_case_access" ADD CONSTRAINT "integrity_case_access_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_case_access" ADD CONSTRAINT "integrity_case_access_force_id_case_id_integrity_cases_force_id_id_fk" FOREIGN KEY ("force_id","case_id") REFERENCES "public"."integrity_cases"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_case_links" ADD CONSTRAINT "integrity_case_links_force_id_case_id_integrity_cases_force_id_id_fk" FOREIGN KEY ("force_id","case_id") REFERENCES "public"."integrity_cases"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_case_notes" ADD CONSTRAINT "integrity_case_notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_case_notes" ADD CONSTRAINT "integrity_case_notes_force_id_case_id_integrity_cases_force_id_id_fk" FOREIGN KEY ("force_id","case_id") REFERENCES "public"."integrity_cases"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_case_subjects" ADD CONSTRAINT "integrity_case_subjects_force_id_case_id_integrity_cases_force_id_id_fk" FOREIGN KEY ("force_id","case_id") REFERENCES "public"."integrity_cases"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_case_subjects" ADD CONSTRAINT "integrity_case_subjects_force_id_staff_member_id_staff_members_force_id_id_fk" FOREIGN KEY ("force_id","staff_member_id") REFERENCES "public"."staff_members"("force_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_cases" ADD CONSTRAINT "integrity_cases_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_cases" ADD CONSTRAINT "integrity_cases_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrity_cases" ADD CONSTRAINT "integrity_cases_opened_by_users_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_responded_by_users_id_fk" FOREIGN KEY ("responded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_force_id_case_id_integrity_cases_force_id_id_fk" FOREIGN KEY ("force_id","case_id") REFERENCES "public"."integrity_cases"("force_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integrity_case_notes_case" ON "integrity_case_notes" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "integrity_case_subjects_staff" ON "integrity_case_subjects" USING btree ("force_id","staff_member_id");--> statement-breakpoint
CREATE INDEX "integrity_cases_force_opened" ON "integrity_cases" USING btree ("force_id","opened_on");--> statement-breakpoint
CREATE INDEX "integrity_cases_force_status" ON "integrity_cases" USING btree ("force_id","status");--> statement-breakpoint
CREATE INDEX "referrals_force_referred" ON "referrals" USING btree ("force_id","referred_on");