-- A passkey's challenge (sessions.passkey_challenge, 0043) is accepted for a few minutes only: a page
-- left open longer must be reloaded for a new one.
ALTER TABLE "sessions" ADD COLUMN "passkey_challenge_expires_at" timestamp with time zone;
