CREATE INDEX "gifts_hospitality_force_declared" ON "gifts_hospitality" USING btree ("force_id","declared_on");--> statement-breakpoint
CREATE INDEX "gifts_hospitality_force_value" ON "gifts_hospitality" USING btree ("force_id","estimated_value");--> statement-breakpoint
CREATE INDEX "gifts_hospitality_force_donor" ON "gifts_hospitality" USING btree ("force_id","donor_name");--> statement-breakpoint
CREATE INDEX "gifts_hospitality_force_kind" ON "gifts_hospitality" USING btree ("force_id","kind","created_at");--> statement-breakpoint
CREATE INDEX "gifts_hospitality_force_outcome" ON "gifts_hospitality" USING btree ("force_id","outcome","created_at");