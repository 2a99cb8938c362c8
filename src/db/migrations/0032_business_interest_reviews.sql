CREATE TABLE "business_interest_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"business_interest_id" uuid NOT NULL,
	"reviewed_on" date NOT NULL,
	"outcome" text NOT NULL,
	"conditions" text,
	"notes" text,
	"next_review_date" date,
	"reviewed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "business_interest_reviews" ADD CONSTRAINT "business_interest_reviews_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "business_interest_reviews" ADD CONSTRAINT "business_interest_reviews_business_interest_id_business_interests_id_fk" FOREIGN KEY ("business_interest_id") REFERENCES "public"."business_interests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "business_interest_reviews" ADD CONSTRAINT "business_interest_reviews_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "business_interest_reviews_interest" ON "business_interest_reviews" USING btree ("business_interest_id","reviewed_on");--> statement-breakpoint
-- Reviews are force-owned like the interests they review (0004): the inspectorate reads every force's,
-- a force (or the publication scope, reading) only its own; only the force itself or the inspectorate
-- writes, never into another force. A review is never changed or deleted: a later review follows it.
GRANT SELECT, INSERT ON business_interest_reviews TO probity_app;
--> statement-breakpoint
ALTER TABLE business_interest_reviews ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY business_interest_reviews_read ON business_interest_reviews FOR SELECT TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate'
    OR force_id = nullif(current_setting('app.force_id', true), '')::integer);
--> statement-breakpoint
CREATE POLICY business_interest_reviews_insert ON business_interest_reviews FOR INSERT TO probity_app
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate'
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer));
--> statement-breakpoint
-- Like every table (0021): a committed change tells the servers that kept answers may be stale.
CREATE TRIGGER business_interest_reviews_data_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON business_interest_reviews
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
