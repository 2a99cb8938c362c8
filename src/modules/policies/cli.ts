import { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { type Services, withServices } from '../../services.js'
import type { OverdueEntry } from './present.js'

interface RemindersOptions {
  force: string
  unit?: string
  json?: boolean
}

/** The overdue list as managers read it: a heading per unit, a line per person and policy. */
export function formatReminders(forceName: string, entries: OverdueEntry[]): string {
  if (!entries.length) return `Nobody in ${forceName} is overdue with a policy acknowledgement.`
  const lines = [
    `${entries.length} overdue policy acknowledgement${entries.length === 1 ? '' : 's'} in ${forceName}:`,
  ]
  let unit: string | undefined
  for (const entry of entries) {
    if (entry.unit !== unit) {
      unit = entry.unit
      lines.push('', unit)
    }
    lines.push(
      `  ${entry.staffNumber}  ${entry.name} (${entry.grade}): ${entry.policyTitle}, version ${entry.number}, due ${entry.dueOn}, ${entry.daysOverdue} day${entry.daysOverdue === 1 ? '' : 's'} overdue`,
    )
  }
  return lines.join('\n')
}

/** What `probity policies reminders` prints, given the services (the tests call it directly). */
export async function remindersOutput(services: Services, options: RemindersOptions): Promise<string> {
  const force = (await services.forces.references()).find(
    (candidate) => candidate.code === options.force.trim().toLowerCase(),
  )
  if (!force)
    throw new ValidationError({ force: `--force: there is no force with the code ${options.force}` })
  const entries = await services.policies.reminders(SYSTEM_CALLER, force.id, { unit: options.unit })
  if (options.json)
    return JSON.stringify(
      { force: force.code, unit: options.unit ?? null, today: services.policies.today(), overdue: entries },
      null,
      2,
    )
  return formatReminders(force.name, entries)
}

/** `probity policies reminders --force CODE [--unit U] [--json]`: who is overdue, by unit, for managers. */
export function policiesCommand(): Command {
  const policies = new Command('policies').description(
    'Each force’s integrity policies and who has read them',
  )
  policies
    .command('reminders')
    .description(
      'List the staff past the deadline of a policy they were asked to acknowledge, by unit, for their managers to remind them',
    )
    .requiredOption('--force <code>', 'the force, e.g. cheshire (see /api/forces)')
    .option('--unit <unit>', 'only this unit, as the roster names it')
    .option('--json', 'print JSON rather than text')
    .action(async (options: RemindersOptions) => {
      await withServices(loadConfig().database, async (services) => {
        console.log(await remindersOutput(services, options))
      })
    })
  return policies
}
