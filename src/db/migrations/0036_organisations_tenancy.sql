-- Organisations resolved from the names the registers give (donors, employers in second jobs, media
-- outlets) and the force's supplier list. pg_trgm proposes names that are probably one organisation;
-- on PGlite it is an extension loaded when the database opens (src/db/connection.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- The rule of src/domain/organisations.ts (organisationKey), which a test holds to the same answers.
CREATE FUNCTION probity_organisation_key(name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $fn$
    SELECT regexp_replace(
             btrim(regexp_replace(
               replace(regexp_replace(translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
                                      '[''’.]', '', 'g'),
                       '&', ' and '),
               '[^a-z0-9]+', ' ', 'g')),
             ' (ltd|limited|plc|llp)$', '')
  $fn$;
--> statement-breakpoint
CREATE INDEX organisation_names_key_trigrams ON organisation_names USING gin (name_key gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX organisation_names_organisation ON organisation_names (organisation_id);
--> statement-breakpoint
-- Makes an organisation for each (force, name) whose key no organisation of that force has yet. As the
-- schema's owner: the register's own policies have already let the writer write those rows of that
-- force, and a write in the inspectorate's scope (which may not read a force's organisations) links too.
CREATE FUNCTION probity_add_organisations(force_ids integer[], names text[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    WITH given AS (
      SELECT DISTINCT ON (force_id, key) force_id, btrim(name) AS name, key
        FROM (SELECT force_id, name, probity_organisation_key(name) AS key
                FROM unnest(force_ids, names) AS t(force_id, name)) keyed
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
-- Each write to a register resolves the names it gives, once per statement (an import's batch too).
CREATE FUNCTION probity_organisations_from_gifts() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM probity_add_organisations(array_agg(force_id), array_agg(donor_name))
     FROM new_rows WHERE donor_type <> 'public';
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE FUNCTION probity_organisations_from_business_interests() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM probity_add_organisations(array_agg(force_id), array_agg(employer))
     FROM new_rows WHERE employer IS NOT NULL;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE FUNCTION probity_organisations_from_media_contacts() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM probity_add_organisations(array_agg(force_id), array_agg(outlet)) FROM new_rows;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER gifts_hospitality_organisations_on_insert AFTER INSERT ON gifts_hospitality
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION probity_organisations_from_gifts();
--> statement-breakpoint
CREATE TRIGGER gifts_hospitality_organisations_on_update AFTER UPDATE ON gifts_hospitality
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION probity_organisations_from_gifts();
--> statement-breakpoint
CREATE TRIGGER business_interests_organisations_on_insert AFTER INSERT ON business_interests
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION probity_organisations_from_business_interests();
--> statement-breakpoint
CREATE TRIGGER business_interests_organisations_on_update AFTER UPDATE ON business_interests
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION probity_organisations_from_business_interests();
--> statement-breakpoint
CREATE TRIGGER media_contacts_organisations_on_insert AFTER INSERT ON media_contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION probity_organisations_from_media_contacts();
--> statement-breakpoint
CREATE TRIGGER media_contacts_organisations_on_update AFTER UPDATE ON media_contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION probity_organisations_from_media_contacts();
--> statement-breakpoint
-- The records already kept are linked now.
SELECT probity_add_organisations(array_agg(force_id), array_agg(donor_name))
  FROM gifts_hospitality WHERE donor_type <> 'public';
--> statement-breakpoint
SELECT probity_add_organisations(array_agg(force_id), array_agg(employer))
  FROM business_interests WHERE employer IS NOT NULL;
--> statement-breakpoint
SELECT probity_add_organisations(array_agg(force_id), array_agg(outlet)) FROM media_contacts;
--> statement-breakpoint
-- A force's own: the inspectorate sees counts and states, not who a force deals with, so only the
-- force reads or writes them.
DO $$
DECLARE
  owned text;
  own_force constant text := $rule$current_setting('app.scope', true) = 'force'
    AND force_id = nullif(current_setting('app.force_id', true), '')::integer$rule$;
BEGIN
  FOREACH owned IN ARRAY ARRAY['organisations', 'organisation_names', 'organisation_distinctions',
                               'supplier_contracts']
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
-- An organisation's records in each register are found by the key of the name they give.
CREATE INDEX gifts_hospitality_donor_key ON gifts_hospitality (force_id, probity_organisation_key(donor_name));
--> statement-breakpoint
CREATE INDEX business_interests_employer_key ON business_interests (force_id, probity_organisation_key(employer));
--> statement-breakpoint
CREATE INDEX media_contacts_outlet_key ON media_contacts (force_id, probity_organisation_key(outlet));
