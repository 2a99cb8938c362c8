CREATE TABLE "force_inspection_references" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "force_inspection_references_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"force_id" integer NOT NULL,
	"effective_from" date NOT NULL,
	"region" text,
	"hmi_name" text,
	"hmi_honours" text,
	"confirmed" boolean DEFAULT false NOT NULL,
	"source_note" text,
	"updated_by" uuid,
	"updated_by_label" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "force_inspection_references_forceId_effectiveFrom_unique" UNIQUE("force_id","effective_from")
);
--> statement-breakpoint
ALTER TABLE "force_inspection_references" ADD CONSTRAINT "force_inspection_references_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "force_inspection_references" ADD CONSTRAINT "force_inspection_references_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;