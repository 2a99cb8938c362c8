import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { registerImportPages } from '../../web/import-routes.js'
import { OUTCOME_IMPORT_COLUMNS, referralOutcomesImport } from './import.js'

const CASEWORKERS: Access = ['force-caseworker']

/** Outcomes of referrals imported from a spreadsheet: /referrals/import, its template and dry run. */
export const referralOutcomesImportRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const outcomesImport = referralOutcomesImport(services.pendingImports)
  registerImportPages(app, {
    list: '/referrals',
    views: 'imports/views',
    access: CASEWORKERS,
    columns: OUTCOME_IMPORT_COLUMNS,
    importParam: 'outcomesImportId',
    dryRun: (caller, file) => outcomesImport.dryRun(caller, file),
    confirm: (caller, importId) => outcomesImport.confirm(caller, importId),
    page: {
      title: 'Import the outcomes of referrals',
      list: { href: '/referrals', text: 'Referrals' },
      help: [
        'One row for each referral, named by its reference (the template lists those awaiting your answer, with their date, type and finding, which the import does not read).',
        // Names the file's columns and values, marked as code (and as English on a Welsh page).
        { key: 'referrals.import.help2Html' },
      ],
      templateNote: 'it lists the referrals awaiting your answer',
      headings: ['Referred on', 'Type', 'Finding', 'Answered on', 'Reason for no action'],
    },
    template: {
      name: 'referral-outcomes-template',
      rows: async (caller) =>
        (await services.referrals.list(caller, { status: 'awaiting response' })).referrals.map(
          (referral) => ({
            referral: referral.id,
            referred_on: referral.referredOn,
            type: referral.type,
            finding: referral.finding,
          }),
        ),
    },
  })
}
