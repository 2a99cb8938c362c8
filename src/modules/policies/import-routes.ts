import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { registerImportPages } from '../../web/import-routes.js'
import { ACKNOWLEDGEMENT_IMPORT_COLUMNS, acknowledgementsImport } from './import.js'

const MANAGERS: Access = ['force-admin']

/** Acknowledgements of policies imported from a spreadsheet: /policies/import, its template and dry run. */
export const acknowledgementsImportRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const importer = acknowledgementsImport(services.pendingImports)
  registerImportPages(app, {
    list: '/policies',
    views: 'imports/views',
    access: MANAGERS,
    columns: ACKNOWLEDGEMENT_IMPORT_COLUMNS,
    importParam: 'acknowledgementsImportId',
    dryRun: (caller, file) => importer.dryRun(caller, file),
    confirm: (caller, importId) => importer.confirm(caller, importId),
    page: {
      title: 'Import acknowledgements of policies',
      list: { href: '/policies', text: 'Policies' },
      help: [
        'One row for each member of staff who acknowledged a published version (on paper, or in another system): the policy’s area (like social-media), the version’s number, their staff number and the date they acknowledged it. name is there for you and is not read.',
        'Only people the version asked to read it can acknowledge it, on or after the day they were asked. A row without a date, or with the date already recorded, changes nothing.',
      ],
      headings: ['Policy', 'Member of staff', 'Acknowledged on'],
    },
    template: { name: 'policy-acknowledgements-template' },
  })
}
