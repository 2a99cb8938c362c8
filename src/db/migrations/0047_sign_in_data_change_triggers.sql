-- The second factor's (0043) and single sign-on's (0045) tables announce their changes like every other
-- table, so an answer kept in memory is never served after the data behind it changed.
CREATE TRIGGER totp_authenticators_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON totp_authenticators FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
--> statement-breakpoint
CREATE TRIGGER recovery_codes_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON recovery_codes FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
--> statement-breakpoint
CREATE TRIGGER passkeys_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON passkeys FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
--> statement-breakpoint
CREATE TRIGGER federated_identities_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON federated_identities FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
