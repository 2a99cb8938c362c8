import { Command, InvalidArgumentError } from 'commander'
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/connection.js'
import { DataDirInUseError } from './db/data-dir-lock.js'
import { migrateDatabase } from './db/migrate.js'
import { startServer } from './server.js'

/** Errors the user can act on are printed as one line; anything else is a bug and says so briefly. */
function fail(error: unknown): never {
  if (
    error instanceof ConfigError ||
    error instanceof DataDirInUseError ||
    error instanceof InvalidArgumentError
  ) {
    console.error(`probity: ${error.message}`)
  } else {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`probity: failed: ${message}`)
  }
  process.exit(1)
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
    .action(async () => {
      await startServer(loadConfig())
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

  return program
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv)
  } catch (error) {
    fail(error)
  }
}
