CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"area" text NOT NULL,
	"area_name" text NOT NULL,
	"title" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policies_force_area" UNIQUE("force_id","area"),
	CONSTRAINT "policies_force_policy" UNIQUE("force_id","id")
);
--> statement-breakpoint
CREATE TABLE "policy_acknowledgement_requests" (
	"version_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"unit" text NOT NULL,
	"grade" text NOT NULL,
	"requested_on" date NOT NULL,
	"due_on" date NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_on" date,
	"acknowledged_by" uuid,
	"answers" jsonb,
	CONSTRAINT "policy_acknowledgement_requests_version_id_staff_member_id_pk" PRIMARY KEY("version_id","staff_member_id")
);
--> statement-breakpoint
CREATE TABLE "policy_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"policy_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"body" text,
	"document" "bytea",
	"document_name" text,
	"document_type" text,
	"document_size" integer,
	"effective_date" date NOT NULL,
	"review_date" date,
	"owner" text NOT NULL,
	"national_guidance" boolean DEFAULT false NOT NULL,
	"guidance_name" text,
	"questions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"audience" jsonb,
	"deadline" date,
	"restricted" boolean DEFAULT false NOT NULL,
	"published_on" date,
	"published_at" timestamp with time zone,
	"published_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_versions_policy_number" UNIQUE("policy_id","number"),
	CONSTRAINT "policy_versions_force_version" UNIQUE("force_id","id")
);
--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acknowledgement_requests" ADD CONSTRAINT "policy_acknowledgement_requests_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acknowledgement_requests" ADD CONSTRAINT "policy_acknowledgement_requests_force_id_version_id_policy_versions_force_id_id_fk" FOREIGN KEY ("force_id","version_id") REFERENCES "public"."policy_versions"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acknowledgement_requests" ADD CONSTRAINT "policy_acknowledgement_requests_force_id_staff_member_id_staff_members_force_id_id_fk" FOREIGN KEY ("force_id","staff_member_id") REFERENCES "public"."staff_members"("force_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_force_id_policy_id_policies_force_id_id_fk" FOREIGN KEY ("force_id","policy_id") REFERENCES "public"."policies"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "policy_acknowledgement_requests_staff" ON "policy_acknowledgement_requests" USING btree ("force_id","staff_member_id");--> statement-breakpoint
CREATE INDEX "policy_versions_force_published" ON "policy_versions" USING btree ("force_id","published_on");