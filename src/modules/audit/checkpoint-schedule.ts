import type { KeyObject } from 'node:crypto'
import type { Logger } from 'pino'
import { eventsCovered, writeCheckpoint } from './checkpoints.js'
import type { AuditService } from './service.js'

/**
 * Writes one signed checkpoint of every chain's end into the folder; nothing while the trail is empty.
 * Returns the checkpoint's file, how many events it covers and in how many chains, or undefined.
 */
export async function checkpointHeads(
  audit: AuditService,
  folder: string,
  key: KeyObject,
  now: () => Date = () => new Date(),
): Promise<{ file: string; events: number; chains: number } | undefined> {
  const chains = await audit.heads()
  if (!chains.length) return undefined
  const checkpoint = { chains, createdAt: now().toISOString() }
  const file = await writeCheckpoint(folder, key, checkpoint)
  return { file, events: eventsCovered(checkpoint), chains: chains.length }
}

/**
 * The server's own checkpoints: one at start, then one every interval. Several instances may share
 * the folder: files are named by the events they cover and renamed into place whole, so two writing
 * the same ends leave one good file. A failure is logged and tried again next time; it never stops the server.
 * `first` settles when the checkpoint written at start is done.
 */
export function scheduleCheckpoints(
  audit: AuditService,
  options: { folder: string; key: KeyObject; intervalMs: number; log: Logger },
): { stop(): void; first: Promise<unknown> } {
  const { folder, key, intervalMs, log } = options
  const write = () =>
    checkpointHeads(audit, folder, key).then(
      (written) => written && log.debug({ file: written.file }, 'audit checkpoint written'),
      (error: unknown) => log.error({ err: error }, 'the audit checkpoint could not be written'),
    )
  const first = write()
  const timer = setInterval(write, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer), first }
}
