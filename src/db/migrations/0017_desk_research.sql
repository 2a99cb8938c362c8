CREATE TABLE "research_exercises" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"retain_until" date NOT NULL,
	"threshold" integer DEFAULT 3 NOT NULL,
	"categories" jsonb,
	"aliases" jsonb,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"purged_at" timestamp with time zone,
	"summary" jsonb,
	CONSTRAINT "research_exercises_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "research_posts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"exercise_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"posted_on" date NOT NULL,
	"text" text NOT NULL,
	"url" text,
	"line" integer NOT NULL,
	"score" integer NOT NULL,
	"category" text NOT NULL,
	"matches" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"note" text,
	"decided_by_label" text,
	"decided_at" timestamp with time zone,
	"referral_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "research_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"exercise_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"handle" text NOT NULL,
	"handle_key" text NOT NULL,
	"display_name" text,
	"profile_text" text,
	"force_id" integer,
	"attribution" text NOT NULL,
	"candidate_force_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"posts_screened" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "research_posts" ADD CONSTRAINT "research_posts_exercise_id_research_exercises_id_fk" FOREIGN KEY ("exercise_id") REFERENCES "public"."research_exercises"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "research_posts" ADD CONSTRAINT "research_posts_profile_id_research_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."research_profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "research_posts" ADD CONSTRAINT "research_posts_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "research_profiles" ADD CONSTRAINT "research_profiles_exercise_id_research_exercises_id_fk" FOREIGN KEY ("exercise_id") REFERENCES "public"."research_exercises"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "research_profiles" ADD CONSTRAINT "research_profiles_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "research_posts_external" ON "research_posts" USING btree ("profile_id","external_id");--> statement-breakpoint
CREATE INDEX "research_posts_queue" ON "research_posts" USING btree ("exercise_id","status","score");--> statement-breakpoint
CREATE INDEX "research_posts_profile" ON "research_posts" USING btree ("profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "research_profiles_handle" ON "research_profiles" USING btree ("exercise_id","platform","handle_key");--> statement-breakpoint
CREATE INDEX "research_profiles_force" ON "research_profiles" USING btree ("exercise_id","force_id");