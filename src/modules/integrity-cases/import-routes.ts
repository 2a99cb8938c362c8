import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { registerImportPages } from '../../web/import-routes.js'
import { CASE_IMPORT_COLUMNS, integrityCasesImport } from './import.js'

const KEEPERS: Access = ['force-caseworker']

/** Historic cases imported from a spreadsheet: /cases/import, its template and dry run. */
export const integrityCasesImportRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const casesImport = integrityCasesImport(services.pendingImports)
  registerImportPages(app, {
    list: '/cases',
    views: 'imports/views',
    access: KEEPERS,
    columns: CASE_IMPORT_COLUMNS,
    importParam: 'casesImportId',
    dryRun: (caller, file) => casesImport.dryRun(caller, file),
    confirm: (caller, importId) => casesImport.confirm(caller, importId),
    page: {
      title: 'Import historic cases',
      list: { href: '/cases', text: 'Integrity cases' },
      help: [
        'One row for each case: its type, source, the date it was opened and a summary, with the types and sources the case form offers. subjects lists the staff numbers of the members of staff it concerns (separated by commas or semicolons), each on your force’s roster.',
        // Names the file's columns and values, marked as code (and as English on a Welsh page).
        { key: 'cases.import.help2Html' },
      ],
      headings: ['Opened', 'Type', 'Subjects', 'Status', 'Summary'],
    },
    template: { name: 'cases-template' },
  })
}
