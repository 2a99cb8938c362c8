// Child process for the crash test: commits one change to an embedded database, says so, then hangs
// until it is killed, never closing the database.
import { eq } from 'drizzle-orm'
import { openDatabase } from '../../src/db/connection.js'
import { migrateDatabase } from '../../src/db/migrate.js'
import { regions } from '../../src/modules/forces/schema.js'

const [dataDir, hmiName] = process.argv.slice(2)
if (!dataDir || !hmiName) throw new Error('usage: commit-then-hang DATA_DIR HMI_NAME')
const database = await openDatabase({ kind: 'embedded', dataDir })
await migrateDatabase(database)
await database.db.transaction(async (tx) => {
  await tx.update(regions).set({ hmiName }).where(eq(regions.name, 'Eastern'))
})
process.stdout.write('committed\n')
setInterval(() => {}, 60_000)
