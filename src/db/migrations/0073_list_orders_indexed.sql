-- A force's list in each order it offers, from an index. Sorted by a two-valued column (a gift's kind or
-- outcome, a media contact's method) ascending, ties newest first, the indexes read backwards gave the
-- descending order only, and the ascending order sorted all of one value's records first (the Met's
-- gifts by kind: 78 ms). Media contacts had an index by date alone: by journalist, outlet or method a
-- page sorted all of the force's contacts (the Met's 20,000: 26–30 ms).
CREATE INDEX "gifts_hospitality_force_kind_newest" ON "gifts_hospitality" USING btree ("force_id","kind","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "gifts_hospitality_force_outcome_newest" ON "gifts_hospitality" USING btree ("force_id","outcome","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "media_contacts_force_journalist" ON "media_contacts" USING btree ("force_id","journalist");--> statement-breakpoint
CREATE INDEX "media_contacts_force_outlet" ON "media_contacts" USING btree ("force_id","outlet");--> statement-breakpoint
CREATE INDEX "media_contacts_force_method" ON "media_contacts" USING btree ("force_id","method","created_at");--> statement-breakpoint
CREATE INDEX "media_contacts_force_method_newest" ON "media_contacts" USING btree ("force_id","method","created_at" DESC NULLS FIRST);