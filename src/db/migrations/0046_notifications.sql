CREATE TABLE "notification_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer NOT NULL,
	"kind" text NOT NULL,
	"event_key" text NOT NULL,
	"audience" text NOT NULL,
	"staff_member_id" uuid,
	"path" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp with time zone,
	CONSTRAINT "notification_events_kind_key" UNIQUE("kind","event_key")
);
--> statement-breakpoint
CREATE TABLE "notification_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"force_id" integer,
	"user_id" uuid NOT NULL,
	"delivery" text NOT NULL,
	"message_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_items_event_user" UNIQUE("event_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "notification_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"force_id" integer,
	"user_id" uuid NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_after" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"claimed_by" text,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_messages_idempotencyKey_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"force_id" integer,
	"choices" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notification_events" ADD CONSTRAINT "notification_events_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_items" ADD CONSTRAINT "notification_items_event_id_notification_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."notification_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_items" ADD CONSTRAINT "notification_items_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_items" ADD CONSTRAINT "notification_items_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_items" ADD CONSTRAINT "notification_items_message_id_notification_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."notification_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_messages" ADD CONSTRAINT "notification_messages_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_messages" ADD CONSTRAINT "notification_messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_force_id_forces_id_fk" FOREIGN KEY ("force_id") REFERENCES "public"."forces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_events_waiting" ON "notification_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "notification_items_waiting" ON "notification_items" USING btree ("user_id","delivery");--> statement-breakpoint
CREATE INDEX "notification_messages_due" ON "notification_messages" USING btree ("status","run_after");--> statement-breakpoint
CREATE INDEX "notification_messages_user" ON "notification_messages" USING btree ("user_id","created_at");--> statement-breakpoint
-- Who reads and writes the notification tables. A module that records an event writes it in the scope of
-- the change (a force's, or the inspectorate's referring to a force) and never reads events back. Items,
-- messages and preferences belong to their recipient's force (NULL: the inspectorate's people), so a
-- force's people see only their own force's, and the inspectorate only its own people's. The worker
-- that dispatches and sends runs under the 'notifier' scope, which reaches these tables and nothing
-- else but the users (to read recipients' addresses and roles).
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_events, notification_items, notification_messages,
  notification_preferences TO probity_app;
--> statement-breakpoint
ALTER TABLE notification_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY notification_events_record ON notification_events FOR INSERT TO probity_app
  WITH CHECK ((current_setting('app.scope', true) = 'inspectorate' AND kind <> 'alert-raised')
              OR (current_setting('app.scope', true) = 'force'
                  AND force_id = nullif(current_setting('app.force_id', true), '')::integer));
--> statement-breakpoint
-- INSERT … ON CONFLICT checks the row against the SELECT policies too, so each writer reads what it
-- may write: a force its own events, the inspectorate (which reads every force's records, and the command
-- line acts in its scope) every event but alerts, which are a force's own (migration 0039).
CREATE POLICY notification_events_recorded ON notification_events FOR SELECT TO probity_app
  USING ((current_setting('app.scope', true) = 'inspectorate' AND kind <> 'alert-raised')
         OR (current_setting('app.scope', true) = 'force'
             AND force_id = nullif(current_setting('app.force_id', true), '')::integer));
--> statement-breakpoint
CREATE POLICY notification_events_notifier ON notification_events FOR ALL TO probity_app
  USING (current_setting('app.scope', true) = 'notifier')
  WITH CHECK (current_setting('app.scope', true) = 'notifier');
--> statement-breakpoint
DO $$
DECLARE
  owned text;
  recipients_force constant text := $rule$current_setting('app.scope', true) = 'notifier'
    OR (current_setting('app.scope', true) = 'inspectorate' AND force_id IS NULL)
    OR (current_setting('app.scope', true) = 'force'
        AND force_id = nullif(current_setting('app.force_id', true), '')::integer)$rule$;
BEGIN
  FOREACH owned IN ARRAY ARRAY['notification_items', 'notification_messages', 'notification_preferences']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', owned);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO probity_app USING (%s) WITH CHECK (%s)',
                   owned || '_recipients_force', owned, recipients_force, recipients_force);
  END LOOP;
  FOREACH owned IN ARRAY ARRAY['notification_events', 'notification_items', 'notification_messages',
                                'notification_preferences']
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed()',
                   owned || '_data_changed', owned);
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE POLICY users_notifier ON users FOR SELECT TO probity_app
  USING (current_setting('app.scope', true) = 'notifier');
--> statement-breakpoint
-- Alerts are raised in the database (migration 0039), by imports too: each new one is an event for the
-- force's caseworkers, in the same transaction. Alerts raised before this migration are not announced.
CREATE FUNCTION probity_notify_alerts_raised() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_events (force_id, kind, event_key, audience, path, details)
  SELECT force_id, 'alert-raised', id::text, 'caseworkers', '/alerts/' || id, jsonb_build_object('rule', rule)
  FROM new_rows
  ON CONFLICT (kind, event_key) DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER alerts_notify_raised AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_alerts_raised();
