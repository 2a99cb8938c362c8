ALTER TYPE "public"."role" ADD VALUE 'researcher' BEFORE 'force-admin';--> statement-breakpoint
CREATE TABLE "document_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inspection_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"filename" text NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"facts" jsonb NOT NULL,
	"sources" jsonb NOT NULL,
	"uninterpreted" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"uploaded_by" uuid,
	"uploaded_by_label" text NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_by" uuid,
	"imported_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_tokens" DROP CONSTRAINT "api_tokens_force_role";--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_force_role";--> statement-breakpoint
ALTER TABLE "document_imports" ADD CONSTRAINT "document_imports_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_imports" ADD CONSTRAINT "document_imports_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_imports" ADD CONSTRAINT "document_imports_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_imports" ADD CONSTRAINT "document_imports_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_imports_status_uploaded_at_index" ON "document_imports" USING btree ("status","uploaded_at");--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_force_role" CHECK (("api_tokens"."role"::text in ('inspectorate-admin', 'inspector', 'researcher')) = ("api_tokens"."force_id" is null));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_force_role" CHECK (("users"."role"::text in ('inspectorate-admin', 'inspector', 'researcher')) = ("users"."force_id" is null));