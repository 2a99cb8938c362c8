import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { registerImportPages } from '../../web/import-routes.js'
import { acuStaffingImport, STAFFING_IMPORT_COLUMNS } from './import.js'

const KEEPERS: Access = ['force-caseworker']

/** The unit's staffing imported from a spreadsheet: /acu-staffing/import, its template and dry run. */
export const acuStaffingImportRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const staffingImport = acuStaffingImport(services.pendingImports)
  registerImportPages(app, {
    list: '/acu-staffing',
    views: 'imports/views',
    access: KEEPERS,
    columns: STAFFING_IMPORT_COLUMNS,
    importParam: 'staffingImportId',
    dryRun: (caller, file) => staffingImport.dryRun(caller, file),
    confirm: (caller, importId) => staffingImport.confirm(caller, importId),
    page: {
      title: 'Import anti-corruption unit staffing',
      list: { href: '/acu-staffing', text: 'Anti-corruption unit staffing' },
      help: [
        'One row for each date: the posts funded and filled on that date, in full-time equivalents (like 6 or 5.5), and notes if you wish.',
        'Figures for a date already recorded are replaced, and the page you see before confirming says which.',
      ],
      templateNote: 'it holds the figures recorded so far, to correct or add to',
      headings: ['As at', 'Posts funded', 'Posts filled', 'Notes'],
    },
    template: {
      name: 'acu-staffing-template',
      rows: async (caller) =>
        (await services.acuStaffing.list(caller, {})).map((row) => ({
          as_of: row.asOf,
          posts_funded: String(row.postsFunded),
          posts_filled: String(row.postsFilled),
          notes: row.notes ?? '',
        })),
    },
  })
}
