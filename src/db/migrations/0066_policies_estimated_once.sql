-- Row-level security's force condition, estimated once. A force's query carries its own condition on the
-- force (the service's, kept beside the policy on purpose) and the policy's `force_id = <the caller's
-- force>`. The planner folds the policy's setting into the same constant, cannot tell the two are one,
-- and multiplies their shares: the Metropolitan Police's 23 % of the roster was estimated as 5 %, a small
-- force's 0.6 % as 0.004 %, so it sorted whole registers it thought small and looped where it should have
-- hashed (bench/README.md, 5 December, afternoon). The operator below is integer equality itself (int4eq,
-- leakproof, so the policy still applies as before), estimated as its complement (neqsel): nearly every
-- row of what the service's own condition has already narrowed, which for a force's query is the truth,
-- and for the inspectorate (no force set) every row, as the policy's other arm says.
CREATE OPERATOR public.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq, RESTRICT = neqsel);--> statement-breakpoint
COMMENT ON OPERATOR public.=== (integer, integer) IS
  'Integer equality for row-level security''s force condition, estimated as keeping nearly every row: the service''s own condition on the force already counts the force''s share (migration 0066).';--> statement-breakpoint
DO $$
DECLARE
  policy record;
  force_condition constant text :=
    $p$force_id = \(NULLIF\(current_setting\('app\.force_id'::text, true\), ''::text\)\)::integer$p$;
  estimated_once constant text :=
    $r$force_id OPERATOR(public.===) (NULLIF(current_setting('app.force_id'::text, true), ''::text))::integer$r$;
  reading text;
  writing text;
BEGIN
  FOR policy IN
    SELECT policyname, tablename, qual, with_check FROM pg_policies
     WHERE schemaname = 'public' AND (qual ~ force_condition OR with_check ~ force_condition)
  LOOP
    reading := regexp_replace(policy.qual, force_condition, estimated_once, 'g');
    writing := regexp_replace(policy.with_check, force_condition, estimated_once, 'g');
    IF reading IS NOT NULL THEN
      EXECUTE format('ALTER POLICY %I ON %I USING (%s)', policy.policyname, policy.tablename, reading);
    END IF;
    IF writing IS NOT NULL THEN
      EXECUTE format('ALTER POLICY %I ON %I WITH CHECK (%s)', policy.policyname, policy.tablename, writing);
    END IF;
  END LOOP;
END
$$;
