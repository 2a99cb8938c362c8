-- The correlation rules of 0041, the same findings, at the scale of a historic import into one force.
--  * A repeated-gifts alert's records (the offers it counted) were read again from the register, for each
--    alert, by a subquery that the planner answered through two indexes ANDed: the member's, and the
--    force's by date, a bitmap of every gift of the force in the window. An import of a million gifts
--    raising a quarter of a million of these alerts ran for many minutes there. The window that counts
--    the offers now gathers them too, so no alert reads the register again; a record's place among offers
--    of one day is by its id, so the list no longer changes order from one run to the next. (A join of
--    the alerts found with the gifts, tried instead, was planned as a nested loop over the gifts on an
--    import's stale estimates and ran for over ten minutes; the window has no plan to get wrong. Its cost
--    grows with the square of one member's offers from one donor within one window: tens in real data.)
--  * Each rule reads the staff of the force, not the country: the member's force is named in the join,
--    so the planner reads the force's roster by its index instead of hashing all of the national one.
CREATE OR REPLACE FUNCTION probity_raise_alerts(p_force integer, p_staff uuid[]) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  -- A custom plan for each call: a generic one cannot leave out a disabled rule or the staff filter.
  -- No JIT: the statement runs in about a second over the largest force, and compiling it took ten.
  SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $fn$
DECLARE
  employer_rule record := probity_alert_rule(p_force, 'gift-from-employer');
  supplier_rule record := probity_alert_rule(p_force, 'gift-from-supplier-to-managing-unit');
  media_rule record := probity_alert_rule(p_force, 'media-hospitality-near-leak-investigation');
  interest_rule record := probity_alert_rule(p_force, 'business-interest-in-supplier');
  repeat_rule record := probity_alert_rule(p_force, 'repeated-gifts-from-one-donor');
  added integer;
BEGIN
  WITH gifts AS MATERIALIZED (
    -- The gifts the rules look at, each with the organisation its donor resolves to (if any).
    SELECT g, g.id, g.staff_member_id, g.offered_on, g.donor_type, g.kind, g.estimated_value, n.organisation_id
      FROM gifts_hospitality g
      LEFT JOIN organisation_names n ON n.force_id = g.force_id AND n.name_key = g.donor_key
     WHERE g.force_id = p_force AND g.donor_type <> 'public'
       AND (p_staff IS NULL OR g.staff_member_id = ANY (p_staff))
  ), second_jobs AS MATERIALIZED (
    SELECT b.id, b.staff_member_id, b.nature, b.status, b.submitted_on, n.organisation_id
      FROM business_interests b
      JOIN organisation_names n ON n.force_id = b.force_id AND n.name_key = b.employer_key
     WHERE b.force_id = p_force AND b.status IN ('submitted', 'approved', 'approved with conditions')
       AND (p_staff IS NULL OR b.staff_member_id = ANY (p_staff))
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
       AND (p_staff IS NULL OR a.staff_member_id = ANY (p_staff))
       AND NOT EXISTS (SELECT 1 FROM found f WHERE f.rule = a.rule AND f.subject_key = a.subject_key)
  )
  SELECT count(*) FILTER (WHERE fresh) INTO added FROM raised;
  RETURN added;
END
$fn$;
--> statement-breakpoint
-- Each member of staff once: an import names a member in many rows (a million rows, fifty thousand staff).
CREATE OR REPLACE FUNCTION probity_raise_alerts_for_staff() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM probity_raise_alerts(force_id, array_agg(DISTINCT staff_member_id)) FROM new_rows GROUP BY force_id;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM probity_raise_alerts(force_id, array_agg(DISTINCT staff_member_id)) FROM old_rows GROUP BY force_id;
  ELSE
    PERFORM probity_raise_alerts(force_id, array_agg(staff_member_id))
       FROM (SELECT force_id, staff_member_id FROM new_rows
             UNION SELECT force_id, staff_member_id FROM old_rows) touched
      GROUP BY force_id;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
-- Each name once before its key is worked out and sorted: an import gives the same few thousand donors a
-- million times.
CREATE OR REPLACE FUNCTION probity_add_organisations(force_ids integer[], names text[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    WITH given AS (
      SELECT DISTINCT ON (force_id, key) force_id, btrim(name) AS name, key
        FROM (SELECT force_id, name, probity_organisation_key(name) AS key
                FROM (SELECT DISTINCT force_id, name FROM unnest(force_ids, names) AS t(force_id, name)) named) keyed
       WHERE key <> ''
       ORDER BY force_id, key, name
    ), fresh AS (
      SELECT given.* FROM given
       WHERE NOT EXISTS (SELECT 1 FROM organisation_names known
                          WHERE known.force_id = given.force_id AND known.name_key = given.key)
    ), made AS (
      INSERT INTO organisations (force_id, name) SELECT force_id, name FROM fresh
      RETURNING id, force_id, name
    )
    INSERT INTO organisation_names (force_id, name_key, organisation_id)
      SELECT force_id, probity_organisation_key(name), id FROM made
      ON CONFLICT DO NOTHING
  $fn$;
--> statement-breakpoint
-- A new name runs no rules of its own. Names are added only by a register's write, for the donors and
-- employers of its rows (probity_add_organisations), and a key not known until then is carried by no
-- other record: every earlier record with it would have added it. So the records a new name resolves
-- are that write's own, and the write's own rules trigger runs for their staff next (triggers of one
-- event fire in the order of their names: `…_organisations_on_insert` before `…_raise_alerts_on_insert`).
-- An import ran every rule for its staff twice. A merge or rename of names (UPDATE) and a removal
-- (DELETE) still run the rules for the staff whose records carry them.
DROP TRIGGER organisation_names_raise_alerts_on_insert ON organisation_names;
