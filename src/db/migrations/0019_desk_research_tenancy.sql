-- Desk research of staff's public social media: personal data that is the inspectorate's alone. No force,
-- no publication and no anonymous work reads or writes any of it; the service further limits it to the
-- researcher role. The inspectorate scope reads and writes everything.
DO $$
DECLARE
  target text;
  inspectorate constant text := $rule$current_setting('app.scope', true) = 'inspectorate'$rule$;
BEGIN
  FOREACH target IN ARRAY ARRAY['research_exercises', 'research_profiles', 'research_posts']
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO probity_app', target);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO probity_app USING (%s) WITH CHECK (%s)',
                   target || '_inspectorate', target, inspectorate, inspectorate);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The research role. 0016 already adds it (it was generated while this change was in the tree); these
-- statements change nothing then, and keep the role whole should that migration ever be regenerated.
ALTER TYPE "public"."role" ADD VALUE IF NOT EXISTS 'researcher' BEFORE 'force-admin';--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "users_force_role";--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_force_role" CHECK (("users"."role"::text in ('inspectorate-admin', 'inspector', 'researcher')) = ("users"."force_id" is null));--> statement-breakpoint
ALTER TABLE "api_tokens" DROP CONSTRAINT IF EXISTS "api_tokens_force_role";--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_force_role" CHECK (("api_tokens"."role"::text in ('inspectorate-admin', 'inspector', 'researcher')) = ("api_tokens"."force_id" is null));
