CREATE TABLE "survey_published_cells" (
	"wave_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"region" text,
	"base" integer NOT NULL,
	"share" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_questionnaires" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"questions" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_respondents" (
	"wave_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"force_code" text,
	"region" text NOT NULL,
	"weight" double precision NOT NULL,
	"answers" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_waves" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"code" text NOT NULL,
	"label" text NOT NULL,
	"fieldwork_from" date,
	"fieldwork_to" date,
	"questionnaire_id" uuid NOT NULL,
	"stratum_kind" text NOT NULL,
	"source" text,
	"respondents" integer DEFAULT 0 NOT NULL,
	"imported_at" timestamp with time zone,
	"imported_by_label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"synthetic" boolean DEFAULT false NOT NULL,
	"minimum_base" integer DEFAULT 100 NOT NULL,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surveys_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "survey_published_cells" ADD CONSTRAINT "survey_published_cells_wave_id_survey_waves_id_fk" FOREIGN KEY ("wave_id") REFERENCES "public"."survey_waves"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_questionnaires" ADD CONSTRAINT "survey_questionnaires_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_respondents" ADD CONSTRAINT "survey_respondents_wave_id_survey_waves_id_fk" FOREIGN KEY ("wave_id") REFERENCES "public"."survey_waves"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_waves" ADD CONSTRAINT "survey_waves_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_waves" ADD CONSTRAINT "survey_waves_questionnaire_id_survey_questionnaires_id_fk" FOREIGN KEY ("questionnaire_id") REFERENCES "public"."survey_questionnaires"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_published_cells_wave" ON "survey_published_cells" USING btree ("wave_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_questionnaires_version" ON "survey_questionnaires" USING btree ("survey_id","version");--> statement-breakpoint
CREATE INDEX "survey_respondents_wave" ON "survey_respondents" USING btree ("wave_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_waves_code" ON "survey_waves" USING btree ("survey_id","code");