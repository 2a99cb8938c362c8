-- The role every request runs as (SET LOCAL ROLE), so that row-level security applies even when the
-- connection's own user owns the tables. Roles are cluster-wide, so create it only once, and tolerate
-- another database on the same server creating it at the same moment.
DO $$
BEGIN
  BEGIN
    CREATE ROLE probity_app NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  IF NOT pg_has_role(current_user, 'probity_app', 'MEMBER') THEN
    EXECUTE format('GRANT probity_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO probity_app;
--> statement-breakpoint
GRANT SELECT ON forces, regions TO probity_app;
--> statement-breakpoint
GRANT UPDATE (hmi_name, updated_at) ON regions TO probity_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON users, api_tokens TO probity_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_events TO probity_app;
--> statement-breakpoint
GRANT SELECT, UPDATE ON audit_chain_head TO probity_app;
--> statement-breakpoint
-- Sign-in reads and writes sessions as the owner. The app role may only end the sessions of users it
-- can see (an admin disabling one of their force's accounts); the users policy decides which.
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, DELETE ON sessions TO probity_app;
--> statement-breakpoint
CREATE POLICY sessions_of_visible_users ON sessions TO probity_app
  USING (EXISTS (SELECT 1 FROM users WHERE users.id = sessions.user_id));
--> statement-breakpoint
-- Force-owned rows: the inspectorate sees every force; a force sees only rows carrying its id.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY users_tenant ON users TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate'
         OR (current_setting('app.scope', true) = 'force'
             AND force_id = nullif(current_setting('app.force_id', true), '')::integer))
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate'
         OR (current_setting('app.scope', true) = 'force'
             AND force_id = nullif(current_setting('app.force_id', true), '')::integer));
--> statement-breakpoint
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY api_tokens_tenant ON api_tokens TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate'
         OR (current_setting('app.scope', true) = 'force'
             AND force_id = nullif(current_setting('app.force_id', true), '')::integer))
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate'
         OR (current_setting('app.scope', true) = 'force'
             AND force_id = nullif(current_setting('app.force_id', true), '')::integer));
--> statement-breakpoint
-- Anyone acting may append an event (a force's sign-in, say), but reads follow the tenant rule.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_events_read ON audit_events FOR SELECT TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate'
         OR (current_setting('app.scope', true) = 'force'
             AND force_id = nullif(current_setting('app.force_id', true), '')::integer));
--> statement-breakpoint
CREATE POLICY audit_events_append ON audit_events FOR INSERT TO probity_app WITH CHECK (true);
--> statement-breakpoint
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, 'genesis');
--> statement-breakpoint
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only: % is not allowed', TG_OP;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
--> statement-breakpoint
-- The chain's recorded end may only move forward by one, onto the event just appended, so the app's
-- role cannot rewind or fake it. It runs as the owner so that it sees the new event whichever force
-- the event belongs to (row-level security would hide other forces' events from the app's role).
CREATE FUNCTION check_audit_chain_head() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.seq <> OLD.seq + 1
     OR NOT EXISTS (SELECT 1 FROM audit_events WHERE seq = NEW.seq AND hash = NEW.hash) THEN
    RAISE EXCEPTION 'the audit chain head may only advance to the event just appended';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_head_advance_only BEFORE UPDATE ON audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION check_audit_chain_head();
--> statement-breakpoint
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
