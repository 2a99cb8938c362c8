-- The server may connect as a login role that is only a member of probity_app and owns nothing: it
-- still checks at start, and on /readyz, that every migration has been applied.
GRANT USAGE ON SCHEMA drizzle TO probity_app;
--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO probity_app;
