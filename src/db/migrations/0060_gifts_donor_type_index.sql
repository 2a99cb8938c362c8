-- The gifts list filtered by kind of donor (or "flagged", three kinds), newest first: without this, a
-- force's count and page read its gifts until they had enough of that kind (the Met's: 700 pages).
CREATE INDEX "gifts_hospitality_force_donor_type" ON "gifts_hospitality" USING btree ("force_id","donor_type","offered_on");