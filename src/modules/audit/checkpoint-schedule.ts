import type { KeyObject } from 'node:crypto'
import type { Logger } from 'pino'
import { writeCheckpoint } from './checkpoints.js'
import type { AuditService } from './service.js'

/**
 * Writes a signed checkpoint of the chain's end into the folder; nothing while the trail is empty.
 * Returns the checkpoint's file, or undefined.
 */
export async function checkpointHead(
  audit: AuditService,
  folder: string,
  key: KeyObject,
  now: () => Date = () => new Date(),
): Promise<{ file: string; seq: number } | undefined> {
  const head = await audit.head()
  if (head.seq === 0) return undefined
  const file = await writeCheckpoint(folder, key, { ...head, createdAt: now().toISOString() })
  return { file, seq: head.seq }
}

/**
 * The server's own checkpoints: one at start, then one every interval. Several instances may share
 * the folder: files are named by event number and renamed into place whole, so two writing the same
 * end leave one good file. A failure is logged and tried again next time; it never stops the server.
 * `first` settles when the checkpoint written at start is done.
 */
export function scheduleCheckpoints(
  audit: AuditService,
  options: { folder: string; key: KeyObject; intervalMs: number; log: Logger },
): { stop(): void; first: Promise<unknown> } {
  const { folder, key, intervalMs, log } = options
  const write = () =>
    checkpointHead(audit, folder, key).then(
      (written) => written && log.debug({ file: written.file }, 'audit checkpoint written'),
      (error: unknown) => log.error({ err: error }, 'the audit checkpoint could not be written'),
    )
  const first = write()
  const timer = setInterval(write, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer), first }
}
