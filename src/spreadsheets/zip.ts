import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { formatCount, formatMegabytes, type UploadLimits } from './limits.js'
import { pacer } from './pace.js'

/**
 * A zip archive uploaded inside a file people know by another name (an Excel workbook, a Word or
 * OpenDocument document), opened with its limits checked before anything is inflated and while it is:
 * its central directory is read first (yauzl), an archive of too many files or whose parts claim too
 * much is refused, and the bytes actually inflated are counted, as declared sizes can lie.
 */

export type ZipLimits = Pick<UploadLimits, 'zipEntries' | 'expandedBytes' | 'expansionRatio'>

/** An archive over a limit; the message names the file and the limit. (One that is not a zip at all fails as yauzl says.) */
export class ArchiveError extends Error {}

/** Parts this small inflate to nothing worth refusing, however well they compress. */
const RATIO_EXEMPT_BYTES = 1024 * 1024

const expandsTooFar = (filename: string, bytes: number, kind: string) =>
  `${filename} expands to more than ${formatMegabytes(bytes)} when unzipped, the most a ${kind} may`

export class ZipArchive {
  private inflated = 0

  private constructor(
    private readonly zip: ZipFile,
    readonly entries: Map<string, Entry>,
    private readonly filename: string,
    private readonly limits: ZipLimits,
    /** What people call the file, for the messages: "workbook", "document". */
    private readonly kind: string,
  ) {}

  /** Opens the zip and lists its parts, refusing too many, or parts that claim to inflate too far. */
  static async open(data: Buffer, filename: string, limits: ZipLimits, kind: string): Promise<ZipArchive> {
    const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true, validateEntrySizes: true })
    try {
      return new ZipArchive(zip, await listedParts(zip, filename, limits, kind), filename, limits, kind)
    } catch (error) {
      zip.close()
      throw error
    }
  }

  close() {
    this.zip.close()
  }

  /** A part's bytes, a chunk at a time, counting what is really inflated; the event loop turns between chunks. */
  async *bytes(entry: Entry): AsyncGenerator<Buffer> {
    const stream = await this.zip.openReadStreamPromise(entry)
    const pace = pacer()
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this.inflated += chunk.length
        if (this.inflated > this.limits.expandedBytes)
          throw new ArchiveError(expandsTooFar(this.filename, this.limits.expandedBytes, this.kind))
        await pace()
        yield chunk
      }
    } finally {
      stream.destroy()
    }
  }

  /**
   * Inflates every part, counting as it goes, and closes the archive: for a file handed whole to a
   * library (mammoth) that would inflate it without limits.
   */
  static async check(data: Buffer, filename: string, limits: ZipLimits, kind: string): Promise<void> {
    const archive = await ZipArchive.open(data, filename, limits, kind)
    try {
      for (const entry of archive.entries.values()) for await (const _ of archive.bytes(entry));
    } finally {
      archive.close()
    }
  }
}

async function listedParts(
  zip: ZipFile,
  filename: string,
  limits: ZipLimits,
  kind: string,
): Promise<Map<string, Entry>> {
  if (zip.entryCount > limits.zipEntries)
    throw new ArchiveError(
      `${filename} holds more than ${formatCount(limits.zipEntries)} files inside, the most a ${kind} may`,
    )
  const entries = new Map<string, Entry>()
  let declared = 0
  for await (const entry of zip.eachEntry()) {
    declared += entry.uncompressedSize
    if (declared > limits.expandedBytes)
      throw new ArchiveError(expandsTooFar(filename, limits.expandedBytes, kind))
    if (
      entry.uncompressedSize > RATIO_EXEMPT_BYTES &&
      entry.uncompressedSize > entry.compressedSize * limits.expansionRatio
    )
      throw new ArchiveError(
        `${filename} expands more than ${formatCount(limits.expansionRatio)} times when unzipped, ` +
          `which no real ${kind} does`,
      )
    entries.set(entry.fileName, entry)
  }
  return entries
}
