import { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { STATE_LABELS } from '../../domain/escalation.js'
import { withServices } from '../../services.js'

/** `probity escalation run`: the inspectorate's monitoring rules over every force (run it nightly). */
export function escalationCommand(): Command {
  const escalation = new Command('escalation').description('Monitoring states of forces (Scan, Engage…)')
  escalation
    .command('run')
    .description(
      'Evaluate the monitoring rules over every force and propose the changes of state they call for',
    )
    .action(async () => {
      await withServices(loadConfig().database, async (services) => {
        const result = await services.escalation.evaluate(SYSTEM_CALLER)
        for (const { force, change } of result.proposed)
          console.log(
            `${force.name}: ${STATE_LABELS[change.fromState]} → ${STATE_LABELS[change.toState]} proposed`,
          )
        const count = result.proposed.length
        console.log(
          `${count} change${count === 1 ? '' : 's'} of state proposed, ${result.unchanged} forces unchanged; a lead inspector decides each at /monitoring`,
        )
      })
    })
  return escalation
}
