-- Sign-in, sessions and API tokens are checked before anyone is known, so they read accounts of every
-- force. They used to do so as the tables' owner; now they run as probity_app under the
-- 'authentication' scope (src/db/tenancy.ts, asAuthenticator), so the server's login role needs to
-- own nothing. The scope reaches accounts, sessions and tokens only: no register, case or return.
GRANT INSERT, UPDATE ON sessions TO probity_app;
--> statement-breakpoint
CREATE POLICY sessions_authentication ON sessions TO probity_app
  USING (current_setting('app.scope', true) = 'authentication')
  WITH CHECK (current_setting('app.scope', true) = 'authentication');
--> statement-breakpoint
CREATE POLICY users_authentication_read ON users FOR SELECT TO probity_app
  USING (current_setting('app.scope', true) = 'authentication');
--> statement-breakpoint
CREATE POLICY users_authentication_update ON users FOR UPDATE TO probity_app
  USING (current_setting('app.scope', true) = 'authentication')
  WITH CHECK (current_setting('app.scope', true) = 'authentication');
--> statement-breakpoint
CREATE POLICY api_tokens_authentication_read ON api_tokens FOR SELECT TO probity_app
  USING (current_setting('app.scope', true) = 'authentication');
--> statement-breakpoint
CREATE POLICY api_tokens_authentication_update ON api_tokens FOR UPDATE TO probity_app
  USING (current_setting('app.scope', true) = 'authentication')
  WITH CHECK (current_setting('app.scope', true) = 'authentication');
