-- A change's notification names its table as well as its transaction (`<transaction>:<table>`), so a
-- process can keep what it read from a few tables until one of those changes. Before, any change dropped
-- everything kept: with a tenth of requests writing (a declaration, a review), who each session and API
-- token belonged to was looked up again after every one. PostgreSQL still folds repeats within a
-- transaction, now one notification per table it changed; a process still counts each once.
CREATE OR REPLACE FUNCTION probity_notify_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('probity_data_changed', pg_current_xact_id()::text || ':' || TG_TABLE_NAME);
  RETURN NULL;
END
$$;
