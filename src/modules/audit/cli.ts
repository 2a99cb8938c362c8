import { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { openDatabase } from '../../db/connection.js'
import { migrationStatus } from '../../db/migrate.js'
import { createServices } from '../../services.js'
import { describeProblem } from './chain.js'

/** The exit code when the trail is broken: apart from 1, which means the check itself could not run. */
export const BROKEN_TRAIL_EXIT_CODE = 2

/** `probity audit …`: commands an operator runs on the server to check the audit trail. */
export function auditCommand(): Command {
  const audit = new Command('audit').description('Check the tamper-evident audit trail')

  audit
    .command('verify')
    .description(
      'Recompute the hash chain of every audit event and name the first altered or missing one ' +
        `(exit code 0 when intact, ${BROKEN_TRAIL_EXIT_CODE} when broken, 1 when the check could not run)`,
    )
    .option('--json', 'print the result as JSON on standard output')
    .action(async (options: { json?: boolean }) => {
      const database = await openDatabase(loadConfig().database)
      try {
        const status = await migrationStatus(database.db)
        if (!status.current) {
          console.error(
            `probity: The database at ${database.location} is not up to date ` +
              `(${status.applied} of ${status.expected} migrations applied): run probity migrate first.`,
          )
          process.exitCode = 1
          return
        }
        const result = await createServices(database.db).audit.verify()
        const message = result.ok
          ? `Audit trail intact: ${result.events} ${result.events === 1 ? 'event' : 'events'} verified.`
          : `Audit trail broken: ${describeProblem(result)}`
        if (options.json) console.log(JSON.stringify({ ...result, message }))
        else if (result.ok) console.log(message)
        else console.error(message)
        if (!result.ok) process.exitCode = BROKEN_TRAIL_EXIT_CODE
      } finally {
        await database.close()
      }
    })

  return audit
}
