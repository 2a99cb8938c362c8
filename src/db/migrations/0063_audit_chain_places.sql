ALTER TABLE "audit_chain_head" ADD CONSTRAINT "audit_chain_head_chain" CHECK ("audit_chain_head"."id" >= 0 and "audit_chain_head"."seq" >= 0);--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_chain_place" CHECK ("audit_events"."chain" >= 0 and "audit_events"."chain_seq" > 0);--> statement-breakpoint
-- A new chain is a force's or the national one, and starts empty: so every head is a chain that
-- verification names and a checkpoint can record.
CREATE OR REPLACE FUNCTION check_new_audit_chain_head() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.seq <> 0 OR NEW.hash <> 'genesis' THEN
    RAISE EXCEPTION 'an audit chain may only start empty';
  END IF;
  IF NEW.id <> 0 AND NOT EXISTS (SELECT 1 FROM forces WHERE id = NEW.id) THEN
    RAISE EXCEPTION 'an audit chain is a force''s or the national one';
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
-- What the app's role appends goes in the chain of the scope it runs in, numbered in the trail by the
-- database: it cannot write into another force's chain, nor choose where its event falls in the trail
-- (the number is not hashed). The owner is not held to this, so a restore can put events back as they were.
-- Its names are fixed to the schema (pg_temp last), so a temporary sequence cannot stand in for the trail's.
CREATE FUNCTION check_audit_event_place() RETURNS trigger LANGUAGE plpgsql
  SET search_path = public, pg_temp AS $$
BEGIN
  IF current_user = 'probity_app' THEN
    IF NEW.chain <> coalesce(nullif(current_setting('app.force_id', true), '')::integer, 0) THEN
      RAISE EXCEPTION 'an audit event goes in the chain of the scope that appends it';
    END IF;
    IF NEW.seq IS DISTINCT FROM currval('public.audit_events_seq_seq') THEN
      RAISE EXCEPTION 'an audit event is numbered in the trail by the database';
    END IF;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION check_audit_event_place() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER audit_events_place BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION check_audit_event_place();
