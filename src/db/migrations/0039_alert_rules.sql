-- The correlation rules of src/domain/alert-rules.ts. Each hit is an alert in the force's queue, raised
-- once per rule and subject (a dismissed alert is not raised again). The rules run on every write to
-- the registers concerned, for the staff the write names (or the whole force when a supplier contract,
-- a case or an organisation's names change), and over all data by `probity alerts run`.
CREATE FUNCTION probity_day(day date) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT to_char(day, 'FMDD FMMonth YYYY')
$fn$;
--> statement-breakpoint
CREATE FUNCTION probity_money(amount numeric) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT '£' || to_char(amount, 'FM999,999,990.00')
$fn$;
--> statement-breakpoint
-- A force's setting of a rule, or the rule's defaults (the same as ALERT_RULES in src/domain/alert-rules.ts).
CREATE FUNCTION probity_alert_rule(p_force integer, p_rule text, OUT enabled boolean, OUT threshold integer,
                                   OUT window_days integer)
  LANGUAGE sql STABLE AS $fn$
    SELECT coalesce(s.enabled, true), coalesce(s.threshold, d.threshold), coalesce(s.window_days, d.window_days)
      FROM (VALUES ('gift-from-employer', NULL::integer, NULL::integer),
                   ('gift-from-supplier-to-managing-unit', NULL, NULL),
                   ('media-hospitality-near-leak-investigation', NULL, 30),
                   ('business-interest-in-supplier', NULL, NULL),
                   ('repeated-gifts-from-one-donor', 3, 365)) AS d(rule, threshold, window_days)
      LEFT JOIN alert_rule_settings s ON s.force_id = p_force AND s.rule = d.rule
     WHERE d.rule = p_rule
  $fn$;
--> statement-breakpoint
CREATE FUNCTION probity_raise_alerts(p_force integer, p_staff uuid[]) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  setting record;
  total integer := 0;
  added integer;
BEGIN
  setting := probity_alert_rule(p_force, 'gift-from-employer');
  IF setting.enabled THEN
    INSERT INTO alerts (force_id, rule, staff_member_id, subject_key, reason, records, occurred_on)
    SELECT DISTINCT ON (g.id) g.force_id, 'gift-from-employer', g.staff_member_id, g.id::text,
           o.name || ' offered ' || s.name || ' (' || s.staff_number || ') ' || g.kind || ' (' || g.description
             || ', ' || probity_money(g.estimated_value) || ', ' || g.outcome || ') on ' || probity_day(g.offered_on)
             || ', and employs them in a second job: ' || b.nature || ' (' || b.status || ', applied for on '
             || probity_day(b.submitted_on) || ').',
           jsonb_build_array(jsonb_build_object('register', 'gifts', 'id', g.id),
                             jsonb_build_object('register', 'second-jobs', 'id', b.id)),
           g.offered_on::text
      FROM gifts_hospitality g
      JOIN staff_members s ON s.id = g.staff_member_id
      JOIN organisation_names gn ON gn.force_id = g.force_id AND gn.name_key = probity_organisation_key(g.donor_name)
      JOIN organisations o ON o.id = gn.organisation_id
      JOIN business_interests b ON b.force_id = g.force_id AND b.staff_member_id = g.staff_member_id
                               AND b.status IN ('submitted', 'approved', 'approved with conditions')
      JOIN organisation_names bn ON bn.force_id = b.force_id AND bn.name_key = probity_organisation_key(b.employer)
                                AND bn.organisation_id = gn.organisation_id
     WHERE g.force_id = p_force AND g.donor_type <> 'public'
       AND (p_staff IS NULL OR g.staff_member_id = ANY (p_staff))
     ORDER BY g.id, b.submitted_on DESC
    ON CONFLICT (force_id, rule, subject_key) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    total := total + added;
  END IF;

  setting := probity_alert_rule(p_force, 'gift-from-supplier-to-managing-unit');
  IF setting.enabled THEN
    INSERT INTO alerts (force_id, rule, staff_member_id, subject_key, reason, records, occurred_on)
    SELECT DISTINCT ON (g.id) g.force_id, 'gift-from-supplier-to-managing-unit', g.staff_member_id, g.id::text,
           o.name || ' offered ' || s.name || ' (' || s.staff_number || ', ' || s.unit || ') ' || g.kind || ' ('
             || g.description || ', ' || probity_money(g.estimated_value) || ', ' || g.outcome || ') on '
             || probity_day(g.offered_on) || ', and ' || s.unit || ' manages its contract ' || c.reference
             || coalesce(' (' || c.description || ')', '') || '.',
           jsonb_build_array(jsonb_build_object('register', 'gifts', 'id', g.id),
                             jsonb_build_object('register', 'organisations', 'id', o.id)),
           g.offered_on::text
      FROM gifts_hospitality g
      JOIN staff_members s ON s.id = g.staff_member_id
      JOIN organisation_names gn ON gn.force_id = g.force_id AND gn.name_key = probity_organisation_key(g.donor_name)
      JOIN organisations o ON o.id = gn.organisation_id
      JOIN supplier_contracts c ON c.force_id = g.force_id AND c.organisation_id = o.id
                               AND lower(btrim(c.managing_unit)) = lower(btrim(s.unit))
     WHERE g.force_id = p_force AND g.donor_type <> 'public'
       AND (p_staff IS NULL OR g.staff_member_id = ANY (p_staff))
     ORDER BY g.id, c.reference
    ON CONFLICT (force_id, rule, subject_key) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    total := total + added;
  END IF;

  -- Confidential cases are left out: their reference is for the caseworkers named on them.
  setting := probity_alert_rule(p_force, 'media-hospitality-near-leak-investigation');
  IF setting.enabled THEN
    INSERT INTO alerts (force_id, rule, staff_member_id, subject_key, reason, records, occurred_on)
    SELECT g.force_id, 'media-hospitality-near-leak-investigation', g.staff_member_id, g.id::text || '/' || c.id::text,
           g.donor_name || ' (the media) offered ' || s.name || ' (' || s.staff_number || ') ' || g.kind || ' ('
             || g.description || ', ' || probity_money(g.estimated_value) || ', ' || g.outcome || ') on '
             || probity_day(g.offered_on) || ', '
             || CASE WHEN g.offered_on < c.opened_on THEN (c.opened_on - g.offered_on) || ' days before'
                     WHEN c.closed_on IS NOT NULL AND g.offered_on > c.closed_on
                       THEN (g.offered_on - c.closed_on) || ' days after the end of'
                     ELSE 'during' END
             || ' the leak investigation ' || c.reference || ' (opened on ' || probity_day(c.opened_on)
             || coalesce(', closed on ' || probity_day(c.closed_on), '') || ').',
           jsonb_build_array(jsonb_build_object('register', 'gifts', 'id', g.id),
                             jsonb_build_object('register', 'cases', 'id', c.id)),
           g.offered_on::text
      FROM gifts_hospitality g
      JOIN staff_members s ON s.id = g.staff_member_id
      JOIN integrity_cases c ON c.force_id = g.force_id AND c.type = 'inappropriate disclosure to the media'
                            AND NOT c.confidential
                            AND g.offered_on >= c.opened_on - setting.window_days
                            AND (c.closed_on IS NULL OR g.offered_on <= c.closed_on + setting.window_days)
     WHERE g.force_id = p_force AND g.donor_type = 'media'
       AND (p_staff IS NULL OR g.staff_member_id = ANY (p_staff))
    ON CONFLICT (force_id, rule, subject_key) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    total := total + added;
  END IF;

  setting := probity_alert_rule(p_force, 'business-interest-in-supplier');
  IF setting.enabled THEN
    INSERT INTO alerts (force_id, rule, staff_member_id, subject_key, reason, records, occurred_on)
    SELECT DISTINCT ON (b.id) b.force_id, 'business-interest-in-supplier', b.staff_member_id, b.id::text,
           s.name || ' (' || s.staff_number || ') has a second job with ' || o.name || ': ' || b.nature || ' ('
             || b.status || ', applied for on ' || probity_day(b.submitted_on) || '), and ' || o.name
             || ' supplies the force (contract ' || c.reference || coalesce(', managed by ' || c.managing_unit, '')
             || ').',
           jsonb_build_array(jsonb_build_object('register', 'second-jobs', 'id', b.id),
                             jsonb_build_object('register', 'organisations', 'id', o.id)),
           b.submitted_on::text
      FROM business_interests b
      JOIN staff_members s ON s.id = b.staff_member_id
      JOIN organisation_names bn ON bn.force_id = b.force_id AND bn.name_key = probity_organisation_key(b.employer)
      JOIN organisations o ON o.id = bn.organisation_id
      JOIN supplier_contracts c ON c.force_id = b.force_id AND c.organisation_id = o.id
     WHERE b.force_id = p_force AND b.status IN ('submitted', 'approved', 'approved with conditions')
       AND (p_staff IS NULL OR b.staff_member_id = ANY (p_staff))
     ORDER BY b.id, c.reference
    ON CONFLICT (force_id, rule, subject_key) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    total := total + added;
  END IF;

  -- One alert per person, donor and year in which the count within the window first reaches the threshold.
  setting := probity_alert_rule(p_force, 'repeated-gifts-from-one-donor');
  IF setting.enabled THEN
    INSERT INTO alerts (force_id, rule, staff_member_id, subject_key, reason, records, occurred_on)
    SELECT DISTINCT ON (w.staff_member_id, w.organisation_id, extract(year FROM w.offered_on))
           p_force, 'repeated-gifts-from-one-donor', w.staff_member_id,
           w.staff_member_id::text || '/' || w.organisation_id::text || '/' || extract(year FROM w.offered_on),
           o.name || ' offered ' || s.name || ' (' || s.staff_number || ') gifts or hospitality ' || w.offers
             || ' times in the ' || setting.window_days || ' days to ' || probity_day(w.offered_on) || ', worth '
             || probity_money(w.worth) || ' in all (the force looks at ' || setting.threshold || ' or more).',
           (SELECT jsonb_agg(jsonb_build_object('register', 'gifts', 'id', g2.id) ORDER BY g2.offered_on)
              FROM gifts_hospitality g2
              JOIN organisation_names n2 ON n2.force_id = g2.force_id
                                        AND n2.name_key = probity_organisation_key(g2.donor_name)
             WHERE g2.force_id = p_force AND g2.staff_member_id = w.staff_member_id AND g2.donor_type <> 'public'
               AND n2.organisation_id = w.organisation_id
               AND g2.offered_on > w.offered_on - setting.window_days AND g2.offered_on <= w.offered_on),
           w.offered_on::text
      FROM (SELECT g.staff_member_id, gn.organisation_id, g.offered_on,
                   count(*) OVER recent AS offers, sum(g.estimated_value) OVER recent AS worth
              FROM gifts_hospitality g
              JOIN organisation_names gn ON gn.force_id = g.force_id
                                        AND gn.name_key = probity_organisation_key(g.donor_name)
             WHERE g.force_id = p_force AND g.donor_type <> 'public'
               AND (p_staff IS NULL OR g.staff_member_id = ANY (p_staff))
            WINDOW recent AS (PARTITION BY g.staff_member_id, gn.organisation_id ORDER BY g.offered_on
                              RANGE BETWEEN make_interval(days => setting.window_days - 1) PRECEDING AND CURRENT ROW)
           ) w
      JOIN staff_members s ON s.id = w.staff_member_id
      JOIN organisations o ON o.id = w.organisation_id
     WHERE w.offers >= setting.threshold
     ORDER BY w.staff_member_id, w.organisation_id, extract(year FROM w.offered_on), w.offered_on
    ON CONFLICT (force_id, rule, subject_key) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    total := total + added;
  END IF;
  RETURN total;
END
$fn$;
--> statement-breakpoint
-- After a write that names members of staff, the rules run for them; after one that may touch anyone
-- in the force (a contract, a case, an organisation's names), for the whole force. These triggers'
-- names sort after the organisations' (0036), and PostgreSQL fires a table's triggers in order of name,
-- so a name a write brings is resolved before the rules look for it.
CREATE FUNCTION probity_raise_alerts_for_staff() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM probity_raise_alerts(force_id, array_agg(staff_member_id)) FROM new_rows GROUP BY force_id;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE FUNCTION probity_raise_alerts_for_force() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM probity_raise_alerts(force_id, NULL) FROM (SELECT DISTINCT force_id FROM new_rows) touched;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DO $$
DECLARE
  target record;
BEGIN
  FOR target IN SELECT * FROM (VALUES ('gifts_hospitality', 'staff'), ('business_interests', 'staff'),
                                      ('supplier_contracts', 'force'), ('integrity_cases', 'force'),
                                      ('organisation_names', 'force')) AS t(tab, reach)
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                   target.tab || '_raise_alerts_on_insert', target.tab, 'probity_raise_alerts_for_' || target.reach);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                   target.tab || '_raise_alerts_on_update', target.tab, 'probity_raise_alerts_for_' || target.reach);
  END LOOP;
END
$$;
--> statement-breakpoint
-- A force's own, like its organisations: the inspectorate sees none of them.
DO $$
DECLARE
  owned text;
  own_force constant text := $rule$current_setting('app.scope', true) = 'force'
    AND force_id = nullif(current_setting('app.force_id', true), '')::integer$rule$;
BEGIN
  FOREACH owned IN ARRAY ARRAY['alerts', 'alert_rule_settings']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO probity_app', owned);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', owned);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO probity_app USING (%s) WITH CHECK (%s)',
                   owned || '_own_force', owned, own_force, own_force);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed()',
                   owned || '_data_changed', owned);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The records kept so far are looked at once now.
SELECT probity_raise_alerts(id, NULL) FROM forces;
