CREATE TABLE "data_return_values" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"assessment_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"item" text NOT NULL,
	"source" text NOT NULL,
	"value" numeric(12, 4),
	"detail" jsonb,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"override_value" numeric(12, 4),
	"override_reason" text,
	"overridden_by" uuid,
	"overridden_at" timestamp with time zone,
	CONSTRAINT "data_return_values_item" UNIQUE("assessment_id","item")
);
--> statement-breakpoint
CREATE TABLE "evidence_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"assessment_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"area_id" uuid NOT NULL,
	"note" text NOT NULL,
	"author_id" uuid,
	"author_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"assessment_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"area_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"position" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "judgements" (
	"assessment_id" uuid PRIMARY KEY NOT NULL,
	"force_id" integer NOT NULL,
	"judgement" text NOT NULL,
	"rationale" text,
	"status" text DEFAULT 'proposed' NOT NULL,
	"proposed_by" uuid,
	"proposed_by_label" text NOT NULL,
	"proposed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"moderated_by" uuid,
	"moderated_by_label" text,
	"moderated_at" timestamp with time zone,
	"moderation_note" text
);
--> statement-breakpoint
CREATE TABLE "framework_areas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"framework_id" uuid NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"position" integer NOT NULL,
	CONSTRAINT "framework_areas_code" UNIQUE("framework_id","code"),
	CONSTRAINT "framework_areas_framework_area" UNIQUE("framework_id","id")
);
--> statement-breakpoint
CREATE TABLE "framework_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"from_framework_id" uuid NOT NULL,
	"to_framework_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"from_code" text NOT NULL,
	"to_code" text NOT NULL,
	CONSTRAINT "framework_mappings_pair" UNIQUE("from_framework_id","to_framework_id","kind","from_code","to_code")
);
--> statement-breakpoint
CREATE TABLE "framework_questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"framework_id" uuid NOT NULL,
	"area_id" uuid NOT NULL,
	"code" text NOT NULL,
	"text" text NOT NULL,
	"guidance" text,
	"evidence_expected" text,
	"position" integer NOT NULL,
	CONSTRAINT "framework_questions_code" UNIQUE("framework_id","code")
);
--> statement-breakpoint
CREATE TABLE "framework_recommendations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"framework_id" uuid NOT NULL,
	"area_id" uuid,
	"code" text NOT NULL,
	"text" text NOT NULL,
	"scope" text NOT NULL,
	"force_id" integer,
	"addressee" text NOT NULL,
	"due_date" date,
	"position" integer NOT NULL,
	CONSTRAINT "framework_recommendations_code" UNIQUE("framework_id","code")
);
--> statement-breakpoint
CREATE TABLE "frameworks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"judgement_scale" jsonb NOT NULL,
	"published_on" date,
	"previous_version_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "frameworks_code_version" UNIQUE("code","version")
);
--> statement-breakpoint
CREATE TABLE "force_assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inspection_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "force_assessments_inspection_force" UNIQUE("inspection_id","force_id"),
	CONSTRAINT "force_assessments_force_assessment" UNIQUE("force_id","id")
);
--> statement-breakpoint
CREATE TABLE "inspections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"framework_id" uuid NOT NULL,
	"data_from" date NOT NULL,
	"data_to" date NOT NULL,
	"census_date" date NOT NULL,
	"fieldwork_from" date,
	"fieldwork_to" date,
	"revisits_id" uuid,
	"status" text DEFAULT 'planned' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inspections_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "recommendation_progress" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"recommendation_id" uuid NOT NULL,
	"inspection_id" uuid,
	"status" text NOT NULL,
	"basis" text NOT NULL,
	"note" text,
	"recorded_by" uuid,
	"recorded_by_label" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "self_assessment_answers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"assessment_id" uuid NOT NULL,
	"force_id" integer NOT NULL,
	"question_id" uuid NOT NULL,
	"rating" text,
	"evidence" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_assessment_answers_question" UNIQUE("assessment_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "self_assessments" (
	"assessment_id" uuid PRIMARY KEY NOT NULL,
	"force_id" integer NOT NULL,
	"status" text DEFAULT 'not started' NOT NULL,
	"signed_off_by_name" text,
	"signed_off_by_rank" text,
	"submitted_by" uuid,
	"submitted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "data_return_values" ADD CONSTRAINT "data_return_values_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_return_values" ADD CONSTRAINT "data_return_values_overridden_by_users_id_fk" FOREIGN KEY ("overridden_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_return_values" ADD CONSTRAINT "data_return_values_force_id_assessment_id_force_assessments_force_id_id_fk" FOREIGN KEY ("force_id","assessment_id") REFERENCES "public"."force_assessments"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_notes" ADD CONSTRAINT "evidence_notes_area_id_framework_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."framework_areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_notes" ADD CONSTRAINT "evidence_notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_notes" ADD CONSTRAINT "evidence_notes_force_id_assessment_id_force_assessments_force_id_id_fk" FOREIGN KEY ("force_id","assessment_id") REFERENCES "public"."force_assessments"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_area_id_framework_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."framework_areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_force_id_assessment_id_force_assessments_force_id_id_fk" FOREIGN KEY ("force_id","assessment_id") REFERENCES "public"."force_assessments"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judgements" ADD CONSTRAINT "judgements_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judgements" ADD CONSTRAINT "judgements_moderated_by_users_id_fk" FOREIGN KEY ("moderated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judgements" ADD CONSTRAINT "judgements_force_id_assessment_id_force_assessments_force_id_id_fk" FOREIGN KEY ("force_id","assessment_id") REFERENCES "public"."force_assessments"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_areas" ADD CONSTRAINT "framework_areas_framework_id_frameworks_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."frameworks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_mappings" ADD CONSTRAINT "framework_mappings_from_framework_id_frameworks_id_fk" FOREIGN KEY ("from_framework_id") REFERENCES "public"."frameworks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_mappings" ADD CONSTRAINT "framework_mappings_to_framework_id_frameworks_id_fk" FOREIGN KEY ("to_framework_id") REFERENCES "public"."frameworks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_questions" ADD CONSTRAINT "framework_questions_framework_id_area_id_framework_areas_framework_id_id_fk" FOREIGN KEY ("framework_id","area_id") REFERENCES "public"."framework_areas"("framework_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_recommendations" ADD CONSTRAINT "framework_recommendations_framework_id_frameworks_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."frameworks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_recommendations" ADD CONSTRAINT "framework_recommendations_area_id_framework_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."framework_areas"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_recommendations" ADD CONSTRAINT "framework_recommendations_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "frameworks" ADD CONSTRAINT "frameworks_previous_version_id_frameworks_id_fk" FOREIGN KEY ("previous_version_id") REFERENCES "public"."frameworks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "frameworks" ADD CONSTRAINT "frameworks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "force_assessments" ADD CONSTRAINT "force_assessments_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "force_assessments" ADD CONSTRAINT "force_assessments_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_framework_id_frameworks_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."frameworks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_revisits_id_inspections_id_fk" FOREIGN KEY ("revisits_id") REFERENCES "public"."inspections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_progress" ADD CONSTRAINT "recommendation_progress_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_progress" ADD CONSTRAINT "recommendation_progress_recommendation_id_framework_recommendations_id_fk" FOREIGN KEY ("recommendation_id") REFERENCES "public"."framework_recommendations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_progress" ADD CONSTRAINT "recommendation_progress_inspection_id_inspections_id_fk" FOREIGN KEY ("inspection_id") REFERENCES "public"."inspections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_progress" ADD CONSTRAINT "recommendation_progress_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessment_answers" ADD CONSTRAINT "self_assessment_answers_question_id_framework_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."framework_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessment_answers" ADD CONSTRAINT "self_assessment_answers_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessment_answers" ADD CONSTRAINT "self_assessment_answers_force_id_assessment_id_force_assessments_force_id_id_fk" FOREIGN KEY ("force_id","assessment_id") REFERENCES "public"."force_assessments"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessments" ADD CONSTRAINT "self_assessments_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessments" ADD CONSTRAINT "self_assessments_force_id_assessment_id_force_assessments_force_id_id_fk" FOREIGN KEY ("force_id","assessment_id") REFERENCES "public"."force_assessments"("force_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recommendation_progress_force" ON "recommendation_progress" USING btree ("force_id","recommendation_id","recorded_at");