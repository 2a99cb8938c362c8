-- Sign-in through a force's (or the inspectorate's) OpenID Connect provider. A person's account there
-- is linked to their user here at their first sign-in; a user made by a provider has no password here.
-- Like sessions, these rows are read and written only under the 'authentication' scope, which may now
-- also create a user (a provider trusted to do so, at someone's first sign-in).
ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL;
--> statement-breakpoint
CREATE TABLE "federated_identities" (
	"provider" text NOT NULL,
	"subject" text NOT NULL,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE cascade,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sign_in_at" timestamp with time zone,
	CONSTRAINT "federated_identities_provider_subject_pk" PRIMARY KEY("provider","subject")
);
--> statement-breakpoint
ALTER TABLE federated_identities ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON federated_identities TO probity_app;
--> statement-breakpoint
CREATE POLICY federated_identities_authentication ON federated_identities TO probity_app
  USING (current_setting('app.scope', true) = 'authentication')
  WITH CHECK (current_setting('app.scope', true) = 'authentication');
--> statement-breakpoint
CREATE POLICY users_authentication_insert ON users FOR INSERT TO probity_app
  WITH CHECK (current_setting('app.scope', true) = 'authentication');
