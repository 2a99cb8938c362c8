-- Documents uploaded for import (issue #9) are the inspectorate's working papers: only the inspectorate
-- scope reads or writes them, as with fieldwork (0011). A force never sees them, even its own.
GRANT SELECT, INSERT, UPDATE, DELETE ON document_imports TO probity_app;--> statement-breakpoint
ALTER TABLE document_imports ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY document_imports_inspectorate ON document_imports FOR ALL TO probity_app
  USING (current_setting('app.scope', true) = 'inspectorate')
  WITH CHECK (current_setting('app.scope', true) = 'inspectorate');
