import { createApp } from './app.js'
import type { Config } from './config.js'
import { openDatabase } from './db/connection.js'
import { migrateDatabase } from './db/migrate.js'
import { DEMO_PASSWORD, seedDemoData } from './demo-data.js'
import { createServices } from './services.js'

export interface RunningServer {
  url: string
  stop(): Promise<void>
}

/**
 * Opens the database, brings its schema up to date, and serves the app until stopped. On SIGINT or
 * SIGTERM it stops taking requests, finishes those in flight and closes the database cleanly.
 */
export async function startServer(config: Config, options: { demo: boolean }): Promise<RunningServer> {
  const database = await openDatabase(config.database)
  try {
    await migrateDatabase(database)
    const services = createServices(database.db)
    if (options.demo) {
      const { added } = await seedDemoData(services)
      if (added)
        console.log(`Added the demo dataset: ${added} users, each with the password ${DEMO_PASSWORD}`)
    }
    const app = await createApp(services, {
      logger: { level: config.logLevel },
      production: config.production,
      cookieSecret: config.cookieSecret,
      trustProxy: config.trustProxy,
      changes: database.changes,
    })
    await app.listen({ port: config.port, host: config.host })
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
    const url = `http://${shownHost}:${config.port}`
    app.log.info(`Probity is serving ${url} on the ${database.kind} database at ${database.location}`)

    let stopping: Promise<void> | undefined
    const stop = () => {
      stopping ??= (async () => {
        await app.close()
        await database.close()
      })()
      return stopping
    }
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        app.log.info(`${signal} received: stopping`)
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        )
      })
    }
    return { url, stop }
  } catch (error) {
    await database.close()
    throw error
  }
}
