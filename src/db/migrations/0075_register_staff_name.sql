-- A register's rows carry their member of staff's name, beside the search text they already carry (0064),
-- so a list sorted by person reads the register's own index. Before, it joined the roster for the order:
-- either walking the force's staff in name order and looking up each one's records (the Met's gifts of
-- one kind from one type of donor: 7,183 members looked up for a page's 150 rows, 213 ms), or joining
-- and sorting every match. The same triggers keep both copies: a row takes its member's name and text
-- whenever it is written, and a change to a member's name (even of case alone, which the lower-cased
-- search text does not show), number or unit is copied to their rows in the same statement.
CREATE FUNCTION probity_register_staff_copy() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  member staff_members%ROWTYPE;
BEGIN
  -- As the owner, so the copy does not depend on what the writer's scope may read. FOR SHARE: a change
  -- to the member waits for this write to commit, and this write for a change made first, so the
  -- change's copy to the member's records (below) cannot miss a record written meanwhile.
  SELECT * INTO member FROM staff_members s
   WHERE s.id = NEW.staff_member_id AND s.force_id = NEW.force_id FOR SHARE;
  -- A member of another force gives '', and the foreign key on (force, member) then refuses the row as
  -- it always has.
  NEW.staff_search_text := coalesce(member.search_text, '');
  NEW.staff_name := coalesce(member.name, '');
  RETURN NEW;
END
$fn$;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_register_staff_copy() FROM PUBLIC;--> statement-breakpoint
CREATE FUNCTION probity_staff_copy_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  changed uuid[];
BEGIN
  SELECT array_agg(n.id) INTO changed
    FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE n.search_text IS DISTINCT FROM o.search_text OR n.name IS DISTINCT FROM o.name;
  IF changed IS NULL THEN
    RETURN NULL;
  END IF;
  -- Each row's own trigger reads the member's new name and text; setting one here names the rows to rewrite.
  UPDATE gifts_hospitality SET staff_name = '' WHERE staff_member_id = ANY (changed);
  UPDATE business_interests SET staff_name = '' WHERE staff_member_id = ANY (changed);
  UPDATE media_contacts SET staff_name = '' WHERE staff_member_id = ANY (changed);
  RETURN NULL;
END
$fn$;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_staff_copy_changed() FROM PUBLIC;--> statement-breakpoint
DROP TRIGGER staff_members_search_text_changed ON staff_members;--> statement-breakpoint
DROP TRIGGER gifts_hospitality_staff_search_text ON gifts_hospitality;--> statement-breakpoint
DROP TRIGGER business_interests_staff_search_text ON business_interests;--> statement-breakpoint
DROP TRIGGER media_contacts_staff_search_text ON media_contacts;--> statement-breakpoint
DROP FUNCTION probity_staff_search_text_changed();--> statement-breakpoint
DROP FUNCTION probity_register_staff_search_text();--> statement-breakpoint
-- The default is for tables made like a register (an import's own table); the trigger sets every row's.
ALTER TABLE gifts_hospitality ADD COLUMN staff_name text NOT NULL DEFAULT '';--> statement-breakpoint
ALTER TABLE business_interests ADD COLUMN staff_name text NOT NULL DEFAULT '';--> statement-breakpoint
ALTER TABLE media_contacts ADD COLUMN staff_name text NOT NULL DEFAULT '';--> statement-breakpoint
-- The rows there are now, with the registers' own triggers off: the copy changes nothing they watch
-- (alerts, organisation names, kept answers, the audit).
ALTER TABLE gifts_hospitality DISABLE TRIGGER USER;--> statement-breakpoint
UPDATE gifts_hospitality r SET staff_name = s.name
  FROM staff_members s WHERE s.id = r.staff_member_id;--> statement-breakpoint
ALTER TABLE gifts_hospitality ENABLE TRIGGER USER;--> statement-breakpoint
ALTER TABLE business_interests DISABLE TRIGGER USER;--> statement-breakpoint
UPDATE business_interests r SET staff_name = s.name
  FROM staff_members s WHERE s.id = r.staff_member_id;--> statement-breakpoint
ALTER TABLE business_interests ENABLE TRIGGER USER;--> statement-breakpoint
ALTER TABLE media_contacts DISABLE TRIGGER USER;--> statement-breakpoint
UPDATE media_contacts r SET staff_name = s.name
  FROM staff_members s WHERE s.id = r.staff_member_id;--> statement-breakpoint
ALTER TABLE media_contacts ENABLE TRIGGER USER;--> statement-breakpoint
CREATE TRIGGER gifts_hospitality_staff_copy BEFORE INSERT OR UPDATE ON gifts_hospitality
  FOR EACH ROW EXECUTE FUNCTION probity_register_staff_copy();--> statement-breakpoint
CREATE TRIGGER business_interests_staff_copy BEFORE INSERT OR UPDATE ON business_interests
  FOR EACH ROW EXECUTE FUNCTION probity_register_staff_copy();--> statement-breakpoint
CREATE TRIGGER media_contacts_staff_copy BEFORE INSERT OR UPDATE ON media_contacts
  FOR EACH ROW EXECUTE FUNCTION probity_register_staff_copy();--> statement-breakpoint
CREATE TRIGGER staff_members_copy_changed AFTER UPDATE ON staff_members
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION probity_staff_copy_changed();--> statement-breakpoint
-- A force's records by person. Ties (a name's few records) are sorted as they are read; a second job's
-- list breaks them by its creation time in the same direction, which the index holds too.
CREATE INDEX gifts_hospitality_force_staff_name ON gifts_hospitality (force_id, staff_name);--> statement-breakpoint
CREATE INDEX business_interests_force_staff_name ON business_interests (force_id, staff_name, created_at);--> statement-breakpoint
CREATE INDEX media_contacts_force_staff_name ON media_contacts (force_id, staff_name);--> statement-breakpoint
-- Every force's second jobs by person, for the inspectorate, as each of their other orders has an index.
CREATE INDEX business_interests_staff_name ON business_interests (staff_name, created_at);
