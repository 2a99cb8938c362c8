CREATE TABLE "business_interests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"submitted_by" uuid,
	"submitted_on" date NOT NULL,
	"nature" text NOT NULL,
	"category" text NOT NULL,
	"employer" text,
	"hours_per_week" numeric(5, 1),
	"paid" text NOT NULL,
	"relatives_interests" text,
	"conflict_declaration" text NOT NULL,
	"status" text DEFAULT 'submitted' NOT NULL,
	"assessment" jsonb,
	"conditions" text,
	"refusal_reason" text,
	"decided_by" uuid,
	"decided_on" date,
	"review_date" date,
	"expiry_date" date,
	"withdrawn_on" date,
	"appeal_status" text,
	"appeal_grounds" text,
	"appeal_outcome_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gift_thresholds" (
	"force_id" integer PRIMARY KEY NOT NULL,
	"declare_from" numeric(10, 2) DEFAULT 0 NOT NULL,
	"approval_from" numeric(10, 2) DEFAULT 25 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gifts_hospitality" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"donor_name" text NOT NULL,
	"donor_type" text NOT NULL,
	"estimated_value" numeric(10, 2) NOT NULL,
	"offered_on" date NOT NULL,
	"declared_on" date NOT NULL,
	"outcome" text NOT NULL,
	"approver" text,
	"disposal" text,
	"notes" text,
	"declared_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"register" text NOT NULL,
	"filename" text NOT NULL,
	"rows" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media_contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"journalist" text NOT NULL,
	"outlet" text NOT NULL,
	"contact_on" date NOT NULL,
	"method" text NOT NULL,
	"purpose" text NOT NULL,
	"discussed" text NOT NULL,
	"authorised_by" text,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publication_settings" (
	"force_id" integer PRIMARY KEY NOT NULL,
	"names_from_grade" text DEFAULT 'Chief Superintendent' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"staff_number" text NOT NULL,
	"name" text NOT NULL,
	"grade" text NOT NULL,
	"unit" text NOT NULL,
	"start_date" date,
	"leave_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_members_force_number" UNIQUE("force_id","staff_number"),
	CONSTRAINT "staff_members_force_member" UNIQUE("force_id","id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "staff_member_id" uuid;--> statement-breakpoint
ALTER TABLE "business_interests" ADD CONSTRAINT "business_interests_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "business_interests" ADD CONSTRAINT "business_interests_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "business_interests" ADD CONSTRAINT "business_interests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "business_interests" ADD CONSTRAINT "business_interests_force_id_staff_member_id_staff_members_force_id_id_fk" FOREIGN KEY ("force_id","staff_member_id") REFERENCES "public"."staff_members"("force_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gift_thresholds" ADD CONSTRAINT "gift_thresholds_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gifts_hospitality" ADD CONSTRAINT "gifts_hospitality_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gifts_hospitality" ADD CONSTRAINT "gifts_hospitality_declared_by_users_id_fk" FOREIGN KEY ("declared_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gifts_hospitality" ADD CONSTRAINT "gifts_hospitality_force_id_staff_member_id_staff_members_force_id_id_fk" FOREIGN KEY ("force_id","staff_member_id") REFERENCES "public"."staff_members"("force_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_imports" ADD CONSTRAINT "pending_imports_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_imports" ADD CONSTRAINT "pending_imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_contacts" ADD CONSTRAINT "media_contacts_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_contacts" ADD CONSTRAINT "media_contacts_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_contacts" ADD CONSTRAINT "media_contacts_force_id_staff_member_id_staff_members_force_id_id_fk" FOREIGN KEY ("force_id","staff_member_id") REFERENCES "public"."staff_members"("force_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_settings" ADD CONSTRAINT "publication_settings_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_members" ADD CONSTRAINT "staff_members_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "business_interests_force_submitted" ON "business_interests" USING btree ("force_id","submitted_on");--> statement-breakpoint
CREATE INDEX "business_interests_force_status" ON "business_interests" USING btree ("force_id","status");--> statement-breakpoint
CREATE INDEX "business_interests_staff" ON "business_interests" USING btree ("staff_member_id");--> statement-breakpoint
CREATE INDEX "gifts_hospitality_force_offered" ON "gifts_hospitality" USING btree ("force_id","offered_on");--> statement-breakpoint
CREATE INDEX "media_contacts_force_contact" ON "media_contacts" USING btree ("force_id","contact_on");--> statement-breakpoint
CREATE INDEX "staff_members_force_unit" ON "staff_members" USING btree ("force_id","unit");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_force_id_staff_member_id_staff_members_force_id_id_fk" FOREIGN KEY ("force_id","staff_member_id") REFERENCES "public"."staff_members"("force_id","id") ON DELETE no action ON UPDATE no action;