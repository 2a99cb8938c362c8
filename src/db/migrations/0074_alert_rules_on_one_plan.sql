-- The alert rules a write runs, on one plan. Each write to a register runs the correlation rules for the
-- member of staff it names (probity_raise_alerts, 0065). Their statement, five rules over five kinds of
-- record, was planned afresh for every call, so that a disabled rule or the filter by staff
-- (`p_staff IS NULL OR …`) could be left out: for one of the Met's members with records, 2.9 ms to plan
-- and 2.0 ms to run, most of a gift's insert. Now the whole force is passed as all its staff, so the
-- statement has one form, and a call for a few members runs on a generic plan kept for the session.
-- Such a plan cannot know the force is the Met: it ANDed the member's records with a bitmap of every
-- gift and second job of the force (82,000 and 24,000 rows). Indexes by member and force give it the
-- member's records alone, and a partial index the force's leak investigations (a tenth of its cases,
-- which the media-hospitality rule read by the force's index of all of them).
DROP INDEX "business_interests_staff";--> statement-breakpoint
DROP INDEX IF EXISTS "gifts_hospitality_staff";--> statement-breakpoint
CREATE INDEX "business_interests_staff_force" ON "business_interests" USING btree ("staff_member_id","force_id");--> statement-breakpoint
CREATE INDEX "gifts_hospitality_staff_force" ON "gifts_hospitality" USING btree ("staff_member_id","force_id");--> statement-breakpoint
CREATE INDEX "integrity_cases_leak_investigations" ON "integrity_cases" USING btree ("force_id") WHERE "integrity_cases"."type" = 'inappropriate disclosure to the media' and not "integrity_cases"."confidential";--> statement-breakpoint
CREATE OR REPLACE FUNCTION probity_raise_alerts(p_force integer, p_staff uuid[]) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  -- A custom plan by default, for the whole force or an import's staff; the SET also undoes, as the
  -- function returns, the generic plan chosen below for a write's few.
  -- No JIT: the statement runs in about a second over the largest force, and compiling it took ten.
  SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $fn$
DECLARE
  employer_rule record := probity_alert_rule(p_force, 'gift-from-employer');
  supplier_rule record := probity_alert_rule(p_force, 'gift-from-supplier-to-managing-unit');
  media_rule record := probity_alert_rule(p_force, 'media-hospitality-near-leak-investigation');
  interest_rule record := probity_alert_rule(p_force, 'business-interest-in-supplier');
  repeat_rule record := probity_alert_rule(p_force, 'repeated-gifts-from-one-donor');
  -- The whole force is every member of its staff: a register's record names a member of its own force.
  staff uuid[] := coalesce(p_staff, ARRAY(SELECT id FROM staff_members WHERE force_id = p_force));
  added integer;
BEGIN
  -- A write names a member or a few. Planned for them each time, the statement cost three times as much
  -- to plan as to run; planned once for any few, it finds them by the staff indexes and is kept for the
  -- session. Rules a force has turned off are then left out as the plan runs rather than as it is made.
  IF cardinality(staff) <= 16 THEN
    PERFORM set_config('plan_cache_mode', 'force_generic_plan', true);
  END IF;
  WITH gifts AS MATERIALIZED (
    -- The gifts the rules look at, each with the organisation its donor resolves to (if any).
    SELECT g, g.id, g.staff_member_id, g.offered_on, g.donor_type, g.kind, g.estimated_value, n.organisation_id
      FROM gifts_hospitality g
      LEFT JOIN organisation_names n ON n.force_id = g.force_id AND n.name_key = g.donor_key
     WHERE g.force_id = p_force AND g.donor_type <> 'public'
       AND g.staff_member_id = ANY (staff)
  ), second_jobs AS MATERIALIZED (
    SELECT b.id, b.staff_member_id, b.nature, b.status, b.submitted_on, n.organisation_id
      FROM business_interests b
      JOIN organisation_names n ON n.force_id = b.force_id AND n.name_key = b.employer_key
     WHERE b.force_id = p_force AND b.status IN ('submitted', 'approved', 'approved with conditions')
       AND b.staff_member_id = ANY (staff)
  ), leak_investigations AS MATERIALIZED (
    -- Confidential cases are left out: their reference is for the caseworkers named on them.
    SELECT id, reference, opened_on, closed_on FROM integrity_cases
     WHERE force_id = p_force AND type = 'inappropriate disclosure to the media' AND NOT confidential
  ), found AS MATERIALIZED (
    SELECT * FROM (
      SELECT DISTINCT ON (g.id) 'gift-from-employer' AS rule, g.staff_member_id, g.id::text AS subject_key,
             o.name || ' offered ' || probity_staff_words(s) || ' ' || probity_offer_words(g.g)
               || ', and employs them in a second job: ' || b.nature || ' (' || b.status || ', applied for on '
               || probity_day(b.submitted_on) || ').' AS reason,
             jsonb_build_array(jsonb_build_object('register', 'gifts', 'id', g.id),
                               jsonb_build_object('register', 'second-jobs', 'id', b.id)) AS records,
             g.offered_on AS occurred_on
        FROM gifts g
        JOIN second_jobs b ON b.staff_member_id = g.staff_member_id AND b.organisation_id = g.organisation_id
        JOIN organisations o ON o.id = g.organisation_id
        JOIN staff_members s ON s.id = g.staff_member_id AND s.force_id = p_force
       WHERE employer_rule.enabled
       ORDER BY g.id, b.submitted_on DESC) employer
    UNION ALL
    SELECT * FROM (
      SELECT DISTINCT ON (g.id) 'gift-from-supplier-to-managing-unit', g.staff_member_id, g.id::text,
             o.name || ' offered ' || probity_staff_words(s) || ' ' || probity_offer_words(g.g)
               || ', and their unit (' || s.unit || ') manages its contract ' || c.reference
               || coalesce(' (' || c.description || ')', '') || '.',
             jsonb_build_array(jsonb_build_object('register', 'gifts', 'id', g.id),
                               jsonb_build_object('register', 'organisations', 'id', o.id)),
             g.offered_on
        FROM gifts g
        JOIN supplier_contracts c ON c.force_id = p_force AND c.organisation_id = g.organisation_id
        JOIN staff_members s ON s.id = g.staff_member_id AND s.force_id = p_force AND lower(btrim(s.unit)) = lower(btrim(c.managing_unit))
        JOIN organisations o ON o.id = g.organisation_id
       WHERE supplier_rule.enabled
       ORDER BY g.id, c.reference) supplier
    UNION ALL
    -- One alert per offer, naming the investigation whose opening or closing is nearest to it.
    SELECT 'media-hospitality-near-leak-investigation', m.staff_member_id, m.id::text,
           (m.g).donor_name || ' (the media) offered ' || probity_staff_words(s) || ' ' || probity_offer_words(m.g)
             || ', ' || probity_days_from(m.offered_on, m.near_on) || ' the leak investigation ' || m.reference
             || CASE WHEN m.near_on = m.opened_on THEN ' was opened (' ELSE ' was closed (' END
             || probity_day(m.near_on) || ')'
             || CASE m.investigations WHEN 1 THEN ''
                                      WHEN 2 THEN ', and around the dates of 1 more leak investigation'
                                      ELSE ', and around the dates of ' || m.investigations - 1
                                           || ' more leak investigations' END || '.',
           jsonb_build_array(jsonb_build_object('register', 'gifts', 'id', m.id),
                             jsonb_build_object('register', 'cases', 'id', m.case_id)),
           m.offered_on
      FROM (SELECT DISTINCT ON (g.id) g.id, g.g, g.staff_member_id, g.offered_on, c.id AS case_id, c.reference,
                   c.opened_on, near.day AS near_on, count(*) OVER (PARTITION BY g.id) AS investigations
              FROM gifts g
              JOIN leak_investigations c ON (abs(g.offered_on - c.opened_on) <= media_rule.window_days
                                             OR abs(g.offered_on - c.closed_on) <= media_rule.window_days)
             CROSS JOIN LATERAL (
                   SELECT CASE WHEN c.closed_on IS NULL
                                 OR abs(g.offered_on - c.opened_on) <= abs(g.offered_on - c.closed_on)
                               THEN c.opened_on ELSE c.closed_on END AS day) near
             WHERE media_rule.enabled AND g.donor_type = 'media' AND g.kind = 'hospitality'
             ORDER BY g.id, abs(g.offered_on - near.day), c.reference) m
      JOIN staff_members s ON s.id = m.staff_member_id AND s.force_id = p_force
    UNION ALL
    SELECT * FROM (
      SELECT DISTINCT ON (b.id) 'business-interest-in-supplier', b.staff_member_id, b.id::text,
             probity_staff_words(s) || ' has a second job with ' || o.name || ': ' || b.nature || ' (' || b.status
               || ', applied for on ' || probity_day(b.submitted_on) || '), and ' || o.name
               || ' supplies the force (contract ' || c.reference || coalesce(', managed by ' || c.managing_unit, '')
               || ').',
             jsonb_build_array(jsonb_build_object('register', 'second-jobs', 'id', b.id),
                               jsonb_build_object('register', 'organisations', 'id', o.id)),
             b.submitted_on
        FROM second_jobs b
        JOIN supplier_contracts c ON c.force_id = p_force AND c.organisation_id = b.organisation_id
        JOIN organisations o ON o.id = b.organisation_id
        JOIN staff_members s ON s.id = b.staff_member_id AND s.force_id = p_force
       WHERE interest_rule.enabled
       ORDER BY b.id, c.reference) interest
    UNION ALL
    -- One alert per person, donor and year in which the count within the window first reaches the
    -- threshold; its records are the offers counted.
    SELECT 'repeated-gifts-from-one-donor', r.staff_member_id,
           r.staff_member_id::text || '/' || r.organisation_id::text || '/' || r.year,
           o.name || ' offered ' || probity_staff_words(s) || ' gifts or hospitality ' || r.offers || ' times in the '
             || repeat_rule.window_days || ' days to ' || probity_day(r.offered_on) || ', worth '
             || probity_money(r.worth) || ' in all (the force looks at ' || repeat_rule.threshold || ' or more).',
           (SELECT jsonb_agg(jsonb_build_object('register', 'gifts', 'id', counted.id)
                             ORDER BY counted.offered_on, counted.id)
              FROM unnest(r.counted_ids, r.counted_days) AS counted(id, offered_on)),
           r.offered_on
      FROM (SELECT DISTINCT ON (w.staff_member_id, w.organisation_id, w.year) w.*
              FROM (SELECT staff_member_id, organisation_id, offered_on, extract(year FROM offered_on) AS year,
                           count(*) OVER recent AS offers, sum(estimated_value) OVER recent AS worth,
                           array_agg(id) OVER recent AS counted_ids, array_agg(offered_on) OVER recent AS counted_days
                      FROM gifts
                     WHERE repeat_rule.enabled AND organisation_id IS NOT NULL
                    WINDOW recent AS (PARTITION BY staff_member_id, organisation_id ORDER BY offered_on
                                      RANGE BETWEEN make_interval(days => repeat_rule.window_days - 1) PRECEDING
                                                AND CURRENT ROW)) w
             WHERE w.offers >= repeat_rule.threshold
             ORDER BY w.staff_member_id, w.organisation_id, w.year, w.offered_on) r
      JOIN organisations o ON o.id = r.organisation_id
      JOIN staff_members s ON s.id = r.staff_member_id AND s.force_id = p_force
  ), raised AS (
    INSERT INTO alerts AS a (force_id, rule, staff_member_id, subject_key, reason, records, occurred_on)
    SELECT p_force, rule, staff_member_id, subject_key, reason, records, occurred_on::text FROM found
    ON CONFLICT (force_id, rule, subject_key) DO UPDATE
      SET staff_member_id = excluded.staff_member_id, reason = excluded.reason, records = excluded.records,
          occurred_on = excluded.occurred_on, status = 'open', decision_note = NULL, decided_by = NULL,
          decided_at = NULL, raised_at = CASE WHEN a.status = 'withdrawn' THEN now() ELSE a.raised_at END
      WHERE a.status = 'withdrawn'
         OR (a.status = 'open' AND (a.staff_member_id, a.reason, a.records, a.occurred_on)
                                   IS DISTINCT FROM (excluded.staff_member_id, excluded.reason, excluded.records,
                                                     excluded.occurred_on))
    RETURNING a.xmax = 0 AS fresh
  ), withdrawn AS (
    UPDATE alerts a
       SET status = 'withdrawn', decided_by = NULL, decided_at = now(),
           decision_note = 'No longer applies: the records behind it, or the force’s settings of the rule, changed.'
     WHERE a.force_id = p_force AND a.status = 'open'
       AND a.staff_member_id = ANY (staff)
       AND NOT EXISTS (SELECT 1 FROM found f WHERE f.rule = a.rule AND f.subject_key = a.subject_key)
  )
  SELECT count(*) FILTER (WHERE fresh) INTO added FROM raised;
  RETURN added;
END
$fn$;
