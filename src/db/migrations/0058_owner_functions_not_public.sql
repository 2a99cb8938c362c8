-- A function that runs as its owner passes the row-level policies, so only the roles that need it may
-- call it. PostgreSQL lets PUBLIC (every role that can connect to the database) execute a new function
-- unless that is revoked, and these kept the default: another role on the same server could have asked
-- which cases name a user, or added organisation names to any force. The app's role keeps what its
-- queries, policies and triggers call; a trigger's own function needs no grant to fire.
REVOKE ALL ON FUNCTION integrity_case_named(uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION integrity_case_named(uuid) TO probity_app;--> statement-breakpoint
REVOKE ALL ON FUNCTION integrity_case_unnamed(uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION integrity_case_unnamed(uuid) TO probity_app;--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_event_redacted(text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_event_redacted(text, text) TO probity_app;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_add_organisations(integer[], text[]) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION probity_add_organisations(integer[], text[]) TO probity_app;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_raise_alerts(integer, uuid[]) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION probity_raise_alerts(integer, uuid[]) TO probity_app;--> statement-breakpoint
REVOKE ALL ON FUNCTION check_audit_chain_head() FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON FUNCTION probity_raise_alerts_for_names() FROM PUBLIC;
