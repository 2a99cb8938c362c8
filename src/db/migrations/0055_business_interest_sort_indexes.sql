-- The second-jobs list's sorts: the inspectorate's across every force, and a force's by category and review date.
CREATE INDEX "business_interests_submitted" ON "business_interests" USING btree ("submitted_on","created_at");--> statement-breakpoint
CREATE INDEX "business_interests_category" ON "business_interests" USING btree ("category","created_at");--> statement-breakpoint
CREATE INDEX "business_interests_force_category" ON "business_interests" USING btree ("force_id","category","created_at");--> statement-breakpoint
CREATE INDEX "business_interests_force_review" ON "business_interests" USING btree ("force_id","review_date","created_at");