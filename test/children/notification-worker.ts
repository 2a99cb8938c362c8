// Child process for the notifications test: one instance's worker, in a process of its own, over the
// test's PostgreSQL database and SMTP server, so that the test can kill it (SIGKILL) mid-send.
import { openDatabase } from '../../src/db/connection.js'
import { createMailer } from '../../src/modules/notifications/mailer.js'
import { NotificationWorker } from '../../src/modules/notifications/worker.js'

const [databaseUrl, smtpUrl, baseUrl, clockMs] = process.argv.slice(2)
if (!databaseUrl || !smtpUrl || !baseUrl || !clockMs)
  throw new Error('usage: notification-worker DATABASE_URL SMTP_URL BASE_URL CLOCK_MS')
const database = await openDatabase({ kind: 'server', url: databaseUrl })
const mailer = createMailer({ smtpUrl, from: 'Probity <probity@test.example>' })
const worker = new NotificationWorker(database.db, mailer, {
  now: () => new Date(Number(clockMs)),
  baseUrl,
  id: `process-${process.pid}`,
})
await worker.runOnce()
// Reached only if nothing killed it: the test then fails on what was sent.
await worker.stop()
await database.close()
