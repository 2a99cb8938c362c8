import { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { withServices } from '../../services.js'

/** `probity alerts run`: every correlation rule over all of every force's data (run it nightly). */
export function alertsCommand(): Command {
  const alerts = new Command('alerts').description('Correlation rules across each force’s registers')
  alerts
    .command('run')
    .description('Run every force’s rules over all its data, raising the alerts not raised before')
    .action(async () => {
      await withServices(loadConfig().database, async (services) => {
        const started = performance.now()
        const results = await services.alerts.runAll(SYSTEM_CALLER)
        const raised = results.reduce((sum, row) => sum + row.raised, 0)
        const seconds = ((performance.now() - started) / 1000).toFixed(1)
        console.log(
          `${raised} new alert${raised === 1 ? '' : 's'} in ${results.length} forces (${seconds} s)`,
        )
      })
    })
  return alerts
}
