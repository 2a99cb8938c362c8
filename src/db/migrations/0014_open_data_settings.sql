CREATE TABLE "open_data_settings" (
	"inspection_id" uuid PRIMARY KEY NOT NULL,
	"suppress_up_to" integer,
	"updated_by" uuid,
	"updated_by_label" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "open_data_settings" ADD CONSTRAINT "open_data_settings_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "open_data_settings" ADD CONSTRAINT "open_data_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;