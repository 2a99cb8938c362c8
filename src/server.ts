import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { createApp } from './app.js'
import { type Config, ConfigError, loadReportsKey } from './config.js'
import { type DatabaseHandle, openDatabase } from './db/connection.js'
import { migrateDatabase, migrationStatus } from './db/migrate.js'
import { serviceClock } from './demo-clock.js'
import { DEMO_PASSWORD, seedDemoData } from './demo-data.js'
import { scheduleCheckpoints } from './modules/audit/checkpoint-schedule.js'
import { loadCheckpointKey } from './modules/audit/checkpoints.js'
import { createServices, type Services } from './services.js'
import { createLogger } from './web/logging.js'

export interface RunningServer {
  url: string
  stop(): Promise<void>
}

export interface ServeOptions {
  demo: boolean
  /** Apply pending migrations first, with the connecting user's rights (the embedded database always does). */
  migrate: boolean
}

/**
 * Opens the database, checks its schema is up to date (or brings it up to date, where this process
 * may), and serves the app until stopped. On SIGINT or SIGTERM it first fails its readiness check for
 * the drain time, then stops taking requests and lets those in flight finish within the shutdown
 * timeout, and closes the database cleanly.
 */
export async function startServer(config: Config, options: ServeOptions): Promise<RunningServer> {
  const log = createLogger(config.logLevel)
  const database = await openDatabase(config.database, log)
  try {
    await prepareSchema(database, options, log)
    const clock = await serviceClock(database.db, { demo: options.demo, production: config.production })
    if (clock.demoAsAt)
      log.info(`The demo's clock: every day is ${clock.demoAsAt}, the day its data is as at`)
    const services = createServices(database.db, {
      now: clock.now,
      adminSecondFactor: config.adminSecondFactor ?? (options.demo ? 'optional' : 'required'),
      reportsKey: loadReportsKey(config.reportsKey),
      notifications: config.notifications,
      changes: database.changes,
    })
    // A key that cannot sign stops the start, like any wrong setting, before anything is served.
    const { folder, intervalMs } = config.auditCheckpoints
    const checkpointKey = folder ? await loadCheckpointKey(config.auditCheckpoints) : undefined
    if (options.demo) {
      const { added } = await seedDemoData(services)
      if (added) log.info(`Added the demo dataset: ${added} users, each with the password ${DEMO_PASSWORD}`)
    }
    const app = await createApp(services, {
      logger: log,
      production: config.production,
      cookieSecret: config.cookieSecret,
      trustProxy: config.trustProxy,
      changes: database.changes,
      now: clock.now,
      demoAsAt: clock.demoAsAt,
      singleSignOn: config.singleSignOn,
    })
    await app.listen({ port: config.port, host: config.host })
    const checkpoints =
      folder && checkpointKey
        ? scheduleCheckpoints(services.audit, { folder, key: checkpointKey, intervalMs, log })
        : undefined
    const notifications = startNotifications(services, config.notificationsPollMs, log)
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
    const url = `http://${shownHost}:${config.port}`
    const { version, commit } = services.health.buildInfo
    log.info(
      { version, commit },
      `Probity is serving ${url} on the ${database.kind} database at ${database.location}`,
    )

    let stopping: Promise<void> | undefined
    const stop = () => {
      stopping ??= (async () => {
        checkpoints?.stop()
        await notifications.stop()
        await app.close()
        await database.close()
      })()
      return stopping
    }
    const shutDown = async (signal: string) => {
      log.info({ drainMs: config.drainMs }, `${signal} received: draining`)
      services.health.startDraining()
      await sleep(config.drainMs)
      const timedOut = sleep(config.shutdownTimeoutMs).then(() => 'timed out' as const)
      const outcome = await Promise.race([stop().then(() => 'stopped' as const), timedOut])
      if (outcome === 'timed out') {
        log.error(
          { shutdownTimeoutMs: config.shutdownTimeoutMs },
          'requests still in flight at the shutdown timeout',
        )
        return 1
      }
      log.info('stopped')
      return 0
    }
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        shutDown(signal).then(
          (code) => process.exit(code),
          (error) => {
            log.error({ err: error }, 'the shutdown failed')
            process.exit(1)
          },
        )
      })
    }
    return { url, stop }
  } catch (error) {
    await database.close()
    throw error
  }
}

/**
 * Each instance runs a notifications worker (src/modules/notifications/worker.ts), which shares the queue
 * with the others', and looks for reviews due and overdue acknowledgements once an hour.
 */
function startNotifications(services: Services, pollMs: number, log: Logger) {
  let lastScan = 0
  const worker = services.notifications.createWorker({
    log,
    beforeRound: async () => {
      if (Date.now() - lastScan < SCAN_EVERY_MS) return
      lastScan = Date.now()
      await services.notifications.scanDue()
    },
  })
  worker.start(pollMs)
  log.info(
    services.notifications.mailer.kind === 'smtp'
      ? 'Notifications are sent by SMTP'
      : 'Notifications go to the outbox page (SMTP_URL is not set)',
  )
  return worker
}

const SCAN_EVERY_MS = 60 * 60_000

/**
 * The embedded database belongs to this one process, so it migrates on start. A server's schema is
 * migrated by `probity migrate` as its owner; the app's own login role owns nothing and may not, so
 * the server only checks and refuses to start on an outdated schema (unless told to migrate).
 */
async function prepareSchema(database: DatabaseHandle, options: ServeOptions, log: Logger): Promise<void> {
  if (database.kind === 'embedded' || options.migrate || options.demo) {
    const status = await migrateDatabase(database)
    log.info(`The database schema is current: ${status.applied} migrations applied`)
    return
  }
  const status = await migrationStatus(database.db)
  if (!status.current) {
    throw new ConfigError(
      `The database schema is not migrated (${status.applied} of ${status.expected} migrations applied): run \`probity migrate\` as the schema's owner first`,
    )
  }
}
