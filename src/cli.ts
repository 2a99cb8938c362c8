import { Command, CommanderError, InvalidArgumentError } from 'commander'
import { type Config, ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/connection.js'
import { DataDirInUseError } from './db/data-dir-lock.js'
import { migrateDatabase } from './db/migrate.js'
import { DEMO_PASSWORD, seedDemoData } from './demo-data.js'
import { ForbiddenError, NotFoundError, ValidationError } from './domain/errors.js'
import { alertsCommand } from './modules/alerts/cli.js'
import { auditCommand } from './modules/audit/cli.js'
import { reportsCommand } from './modules/confidential-reports/cli.js'
import { researchCommand } from './modules/desk-research/cli.js'
import { escalationCommand } from './modules/escalation/cli.js'
import { giftsCommand } from './modules/gifts-hospitality/cli.js'
import { usersCommand } from './modules/identity/cli.js'
import {
  chosenDataset,
  type SeedCommandOptions,
  seedNationalCommand,
} from './modules/national-dataset/cli.js'
import { policiesCommand } from './modules/policies/cli.js'
import { extractCommand, renderCommand } from './modules/press-releases/cli.js'
import { publishCommand } from './modules/publication/cli.js'
import { rosterCommand } from './modules/roster/cli.js'
import { surveysCommand } from './modules/surveys/cli.js'
import { startServer } from './server.js'
import { withServices } from './services.js'

/**
 * Errors the user can act on are printed plainly; anything else is a bug and says so briefly. Returns
 * the exit status.
 */
function reportFailure(error: unknown): number {
  if (error instanceof ValidationError) {
    for (const message of Object.values(error.fieldErrors)) console.error(`probity: ${message}`)
  } else if (
    error instanceof ConfigError ||
    error instanceof DataDirInUseError ||
    error instanceof InvalidArgumentError ||
    error instanceof ForbiddenError ||
    error instanceof NotFoundError
  ) {
    console.error(`probity: ${error.message}`)
  } else if (error instanceof CommanderError) {
    // Commander has already printed its message (bad arguments) or the help asked for.
    return error.exitCode
  } else {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`probity: failed: ${message}`)
  }
  return 1
}

export function buildProgram(): Command {
  const program = new Command()
    .name('probity')
    .description('Probity: integrity risk management for police forces, and their inspection.')
    .showHelpAfterError()

  program
    .command('serve')
    .description(
      'Serve the web app and API (PORT, HOST, DATABASE_URL or PROBITY_DATA_DIR set where and on what)',
    )
    .option('--demo', 'first add the demo dataset (users for every role) if it is not there yet')
    .option(
      '--migrate',
      'on a PostgreSQL server, apply pending migrations first (needs the schema owner; the embedded database always does)',
    )
    .action(async (options: { demo?: boolean; migrate?: boolean }) => {
      const config = loadConfig()
      if (options.demo) refuseDemoInProduction(config)
      await startServer(config, { demo: options.demo ?? false, migrate: options.migrate ?? false })
    })

  program
    .command('migrate')
    .description('Apply pending database migrations and load reference data, then exit')
    .action(async () => {
      const database = await openDatabase(loadConfig().database)
      try {
        const status = await migrateDatabase(database)
        console.log(`Database at ${database.location} is current: ${status.applied} migrations applied.`)
      } finally {
        await database.close()
      }
    })

  program
    .command('seed')
    .description('Add a dataset to the database')
    .option('--demo', 'the demo dataset: users for every role in two forces and the inspectorate')
    .option('--national', 'the national-scale dataset: 44 forces, about 200,000 staff, years of registers')
    .option('--years <n>', 'with --national: years of history, 1 to 20 (default 10)')
    .option('--seed <s>', 'with --national: a whole number (default 2012); the same seed, the same rows')
    .option('--scale <f>', 'with --national: a fraction of the national size, 0 < F <= 1 (default 1)')
    .action(async (options: SeedCommandOptions) => {
      if (chosenDataset(options) === 'national') return seedNationalCommand(options)
      const config = loadConfig()
      refuseDemoInProduction(config)
      await withServices(
        config.database,
        async (services) => {
          const { added } = await seedDemoData(services)
          console.log(
            added
              ? `Added the demo dataset: ${added} users, each with the password ${DEMO_PASSWORD}.`
              : 'The demo dataset is already there.',
          )
        },
        { demo: true },
      )
    })

  program.addCommand(usersCommand())
  program.addCommand(auditCommand())
  program.addCommand(researchCommand())
  program.addCommand(surveysCommand())
  program.addCommand(rosterCommand())
  program.addCommand(giftsCommand())
  program.addCommand(publishCommand())
  program.addCommand(policiesCommand())
  program.addCommand(alertsCommand())
  program.addCommand(escalationCommand())
  program.addCommand(reportsCommand())
  program.addCommand(renderCommand())
  program.addCommand(extractCommand())

  throwInsteadOfExiting(program)
  return program
}

/** Commander would end the process itself on bad arguments or help; runCli decides the exit instead. */
function throwInsteadOfExiting(command: Command): void {
  command.exitOverride()
  for (const subcommand of command.commands) throwInsteadOfExiting(subcommand)
}

function refuseDemoInProduction(config: Config) {
  if (config.production)
    throw new ConfigError('The demo dataset has a published password: it is refused when NODE_ENV=production')
}

/**
 * Runs the command line and resolves to the exit status of a failure, or 0; a command that finishes
 * sets process.exitCode itself when its result is bad news (a broken audit trail).
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return 0
  } catch (error) {
    return reportFailure(error)
  }
}
