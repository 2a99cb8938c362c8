CREATE TABLE "organisation_distinctions" (
	"force_id" integer NOT NULL,
	"first_id" uuid NOT NULL,
	"second_id" uuid NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisation_distinctions_force_id_first_id_second_id_pk" PRIMARY KEY("force_id","first_id","second_id")
);
--> statement-breakpoint
CREATE TABLE "organisation_names" (
	"force_id" integer NOT NULL,
	"name_key" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	CONSTRAINT "organisation_names_force_id_name_key_pk" PRIMARY KEY("force_id","name_key")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"name" text NOT NULL,
	"company_number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_force_id" UNIQUE("force_id","id")
);
--> statement-breakpoint
CREATE TABLE "supplier_contracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"organisation_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"description" text,
	"managing_unit" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_contracts_force_reference" UNIQUE("force_id","reference")
);
--> statement-breakpoint
ALTER TABLE "organisation_distinctions" ADD CONSTRAINT "organisation_distinctions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_distinctions" ADD CONSTRAINT "organisation_distinctions_force_id_first_id_organisations_force_id_id_fk" FOREIGN KEY ("force_id","first_id") REFERENCES "public"."organisations"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_distinctions" ADD CONSTRAINT "organisation_distinctions_force_id_second_id_organisations_force_id_id_fk" FOREIGN KEY ("force_id","second_id") REFERENCES "public"."organisations"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_names" ADD CONSTRAINT "organisation_names_force_id_organisation_id_organisations_force_id_id_fk" FOREIGN KEY ("force_id","organisation_id") REFERENCES "public"."organisations"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_contracts" ADD CONSTRAINT "supplier_contracts_force_id_organisation_id_organisations_force_id_id_fk" FOREIGN KEY ("force_id","organisation_id") REFERENCES "public"."organisations"("force_id","id") ON DELETE cascade ON UPDATE no action;