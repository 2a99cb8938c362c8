import { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { withServices } from '../../services.js'

/** `probity reports purge`: deletes reports closed without a case past their force's retention (run it nightly). */
export function reportsCommand(): Command {
  const reports = new Command('reports').description('Confidential reports to forces’ anti-corruption units')
  reports
    .command('purge')
    .description(
      'Delete reports closed without a case whose force’s retention period has passed, keeping how many by year',
    )
    .action(async () => {
      await withServices(loadConfig().database, async (services) => {
        const results = await services.confidentialReports.purge(SYSTEM_CALLER)
        const deleted = results.reduce((sum, row) => sum + row.deleted, 0)
        const detail = results.map((row) => `${row.force} ${row.deleted}`).join(', ')
        console.log(`${deleted} report${deleted === 1 ? '' : 's'} deleted${detail ? ` (${detail})` : ''}`)
      })
    })
  return reports
}
