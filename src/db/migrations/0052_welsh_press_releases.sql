-- A Welsh force's press release is published in Welsh as well as English: the version holds both, the
-- Welsh as its own title, Markdown and SHA-256 (all three or none), and each language has its PDFs.
ALTER TABLE "publication_versions" ADD COLUMN "welsh_title" text;--> statement-breakpoint
ALTER TABLE "publication_versions" ADD COLUMN "welsh_content" text;--> statement-breakpoint
ALTER TABLE "publication_versions" ADD COLUMN "welsh_content_hash" text;--> statement-breakpoint
ALTER TABLE "publication_versions" ADD CONSTRAINT "publication_versions_welsh_whole" CHECK (("publication_versions"."welsh_content" IS NULL) = ("publication_versions"."welsh_title" IS NULL) AND ("publication_versions"."welsh_content" IS NULL) = ("publication_versions"."welsh_content_hash" IS NULL));--> statement-breakpoint
ALTER TABLE "publication_pdfs" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "publication_pdfs" DROP CONSTRAINT "publication_pdfs_version_id_source_links_pk";--> statement-breakpoint
ALTER TABLE "publication_pdfs" ADD CONSTRAINT "publication_pdfs_version_id_source_links_language_pk" PRIMARY KEY("version_id","source_links","language");
