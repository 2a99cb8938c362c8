-- A session ending, or changing whose it is or what it still owes, is now a change to the data (0021), so
-- a server may keep a session's person in memory as it keeps an API token's: signing out, a password
-- changed or an account disabled (which delete sessions) reaches every process at once. A session's
-- "last seen" time (written at most once a minute as it is used) and its passkey challenge are left out:
-- they change nothing a process keeps, and announcing them would drop what is kept on every such write.
CREATE TRIGGER sessions_data_changed AFTER DELETE OR TRUNCATE OR UPDATE OF token_hash, user_id, expires_at, second_factor_due
  ON sessions FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
