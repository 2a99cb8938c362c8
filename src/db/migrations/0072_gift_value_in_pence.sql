-- A gift's value in pence beside it, for the list's filter and order by value. numeric's comparisons are
-- not leakproof, so under row-level security a condition on the value could neither narrow an index scan
-- nor be estimated from the column's statistics: the Metropolitan Police's gifts worth £500 or more (53)
-- were found by reading all 80,000 of its gifts, twice (209 ms). bigint's comparisons are leakproof. The
-- force's index by value, which the list's order by value reads too, now holds the pence.
DROP INDEX "gifts_hospitality_force_value";--> statement-breakpoint
ALTER TABLE "gifts_hospitality" ADD COLUMN "value_pence" bigint GENERATED ALWAYS AS ((estimated_value * 100)::bigint) STORED;--> statement-breakpoint
CREATE INDEX "gifts_hospitality_force_value" ON "gifts_hospitality" USING btree ("force_id","value_pence");