CREATE TABLE "publication_pdfs" (
	"version_id" uuid NOT NULL,
	"source_links" boolean NOT NULL,
	"document_sha256" text NOT NULL,
	"pdf" "bytea" NOT NULL,
	"rendered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "publication_pdfs_version_id_source_links_pk" PRIMARY KEY("version_id","source_links")
);
--> statement-breakpoint
ALTER TABLE "publication_pdfs" ADD CONSTRAINT "publication_pdfs_version_id_publication_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."publication_versions"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- A version's PDF is readable exactly where its version is: the subquery runs under the version's own
-- row-level security (the inspectorate all; a force its own once sent to it; anyone a published one).
-- Only the inspectorate's scope writes them: the service prints and stores a PDF there, after it has
-- checked that the reader may read the version.
GRANT SELECT, INSERT, UPDATE, DELETE ON publication_pdfs TO probity_app;
--> statement-breakpoint
ALTER TABLE publication_pdfs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY publication_pdfs_read ON publication_pdfs FOR SELECT TO probity_app
  USING (EXISTS (SELECT 1 FROM publication_versions WHERE publication_versions.id = version_id));
--> statement-breakpoint
CREATE POLICY publication_pdfs_write ON publication_pdfs FOR ALL TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate')
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');
--> statement-breakpoint
CREATE TRIGGER publication_pdfs_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON publication_pdfs
  FOR EACH STATEMENT EXECUTE FUNCTION probity_notify_data_changed();
