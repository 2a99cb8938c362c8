-- Every committed change to the data notifies the channel `probity_data_changed`, so a server process
-- can drop what it keeps in memory (authenticated API tokens, API list responses) the moment it may be
-- stale, whoever made the change: a request, a background job, a
-- command-line import or another server. The payload is the transaction's id: PostgreSQL folds repeats
-- within a transaction, so a transaction sends one notification however many statements it runs, and a
-- process hearing it on several connections counts it once. The audit trail and sessions are left out:
-- nothing cached is read from them, and they are written on reads.
CREATE FUNCTION probity_notify_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('probity_data_changed', pg_current_xact_id()::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  target text;
BEGIN
  FOR target IN
    SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename NOT IN ('audit_events', 'audit_chain_head', 'sessions')
  LOOP
    EXECUTE format(
      'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
      'FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed()',
      target || '_data_changed', target);
  END LOOP;
END
$$;
