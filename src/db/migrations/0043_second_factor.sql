-- A second factor for local accounts: an authenticator app (TOTP) with recovery codes, and passkeys
-- (WebAuthn). Like sessions, these are read and written only while someone signs in or manages their
-- own sign-in, under the 'authentication' scope (src/db/tenancy.ts, asAuthenticator).
ALTER TABLE "sessions" ADD COLUMN "signed_in_with" text DEFAULT 'password' NOT NULL;
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "second_factor_due" text CHECK ("second_factor_due" IN ('verify', 'enrol'));
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "passkey_challenge" text;
--> statement-breakpoint
CREATE TABLE "totp_authenticators" (
	"user_id" uuid PRIMARY KEY NOT NULL REFERENCES "users"("id") ON DELETE cascade,
	"secret" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"last_used_step" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recovery_codes" (
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE cascade,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recovery_codes_user_id_code_hash_pk" PRIMARY KEY("user_id","code_hash")
);
--> statement-breakpoint
CREATE TABLE "passkeys" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE cascade,
	"name" text NOT NULL,
	"public_key" bytea NOT NULL,
	"sign_count" bigint DEFAULT 0 NOT NULL,
	"transports" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "passkeys_user_id" ON "passkeys" USING btree ("user_id");
--> statement-breakpoint
ALTER TABLE totp_authenticators ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE recovery_codes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE passkeys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON totp_authenticators, recovery_codes, passkeys TO probity_app;
--> statement-breakpoint
CREATE POLICY totp_authenticators_authentication ON totp_authenticators TO probity_app
  USING (current_setting('app.scope', true) = 'authentication')
  WITH CHECK (current_setting('app.scope', true) = 'authentication');
--> statement-breakpoint
CREATE POLICY recovery_codes_authentication ON recovery_codes TO probity_app
  USING (current_setting('app.scope', true) = 'authentication')
  WITH CHECK (current_setting('app.scope', true) = 'authentication');
--> statement-breakpoint
CREATE POLICY passkeys_authentication ON passkeys TO probity_app
  USING (current_setting('app.scope', true) = 'authentication')
  WITH CHECK (current_setting('app.scope', true) = 'authentication');
