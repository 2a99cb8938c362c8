import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { PDFDocument, PDFName } from 'pdf-lib'
import sharp from 'sharp'
import yazl from 'yazl'
import {
  ATTACHMENT_LIMITS,
  ATTACHMENT_MEDIA_TYPES,
  type AttachmentKind,
  attachmentKind,
  safeFilename,
} from '../../domain/confidential-reports.js'
import { formatMegabytes } from '../../spreadsheets/limits.js'
import { ArchiveError, ZipArchive } from '../../spreadsheets/zip.js'

/** A file a report may not carry, with the sentence the reporter is shown. */
export class AttachmentRefused extends Error {}

/** An attachment as it arrived from the form: cut short when it went over the size limit. */
export interface ArrivedFile {
  filename: string
  data: Buffer
  truncated: boolean
}

/** An attachment ready to keep: its metadata gone, in the kind it claims to be. */
export interface CleanAttachment {
  filename: string
  mediaType: string
  data: Buffer
}

const UNSUPPORTED = (filename: string) =>
  `${filename} is not a file the reporting line takes: send a photo (JPEG or PNG), a PDF or a Word document (.docx)`
const UNREADABLE = (filename: string, kind: string) =>
  `${filename} could not be read as a ${kind}: it may be damaged`

/** A Word document is opened within these limits: they are far above any real document's. */
const DOCUMENT_ZIP_LIMITS = { zipEntries: 500, expandedBytes: 50 * 1024 * 1024, expansionRatio: 200 }

/** The most pixels an image may decode to (a 10,000 × 5,000 photo): a decompression bomb is refused. */
const MAX_IMAGE_PIXELS = 50_000_000

/**
 * Images are decoded and encoded again (sharp, libvips): what is written is only the pixels, so EXIF
 * (with GPS), XMP, IPTC and comments are gone, and so is anything hidden in the container that a
 * segment-by-segment remover would not know about. The EXIF orientation is applied first, so the
 * photo still stands the right way up without it.
 */
async function cleanImage(data: Buffer, kind: 'jpeg' | 'png', filename: string): Promise<Buffer> {
  try {
    const image = sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' }).rotate()
    return kind === 'jpeg' ? await image.jpeg({ quality: 90 }).toBuffer() : await image.png().toBuffer()
  } catch {
    throw new AttachmentRefused(UNREADABLE(filename, kind === 'jpeg' ? 'JPEG image' : 'PNG image'))
  }
}

/**
 * A PDF's document information (author, creator, dates) and its XMP metadata stream are removed, and
 * pdf-lib is told not to write its own producer and dates. An encrypted PDF cannot be cleaned, so it
 * is refused.
 */
async function cleanPdf(data: Buffer, filename: string): Promise<Buffer> {
  // pdf-lib reads lazily: a PDF with no catalog or no page tree loads, and fails only when its parts
  // are reached, so the whole cleaning is what may refuse it.
  try {
    const document = await PDFDocument.load(data, { updateMetadata: false })
    document.context.trailerInfo.Info = undefined
    document.catalog.delete(PDFName.of('Metadata'))
    for (const page of document.getPages()) page.node.delete(PDFName.of('Metadata'))
    return Buffer.from(await document.save({ updateFieldAppearances: false }))
  } catch {
    throw new AttachmentRefused(
      `${filename} could not be read as a PDF: it may be damaged or protected by a password`,
    )
  }
}

/** A Word document's properties parts, replaced by empty ones (Word expects the parts to be there). */
const EMPTY_PROPERTIES: Record<string, string> = {
  'docProps/core.xml':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>',
  'docProps/app.xml':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>',
  'docProps/custom.xml':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>',
}

/**
 * A Word document is a zip: it is opened under limits (yauzl, as workbooks are, so a zip bomb is
 * refused while it inflates) and written again part by part (yazl), with the core, extended and
 * custom properties (author, last modified by, company, template, edit time) emptied.
 */
async function cleanDocx(data: Buffer, filename: string): Promise<Buffer> {
  let archive: ZipArchive
  try {
    archive = await ZipArchive.open(data, filename, DOCUMENT_ZIP_LIMITS, 'document')
  } catch (error) {
    throw new AttachmentRefused(
      error instanceof ArchiveError ? error.message : UNREADABLE(filename, 'Word document'),
    )
  }
  const output = new yazl.ZipFile()
  try {
    if (!archive.entries.has('word/document.xml')) throw new AttachmentRefused(UNSUPPORTED(filename))
    for (const [name, entry] of archive.entries) {
      if (name.endsWith('/')) continue
      const replacement = EMPTY_PROPERTIES[name]
      if (replacement !== undefined) {
        output.addBuffer(Buffer.from(replacement), name)
        continue
      }
      const chunks: Buffer[] = []
      for await (const chunk of archive.bytes(entry)) chunks.push(chunk)
      output.addBuffer(Buffer.concat(chunks), name)
    }
  } catch (error) {
    if (error instanceof AttachmentRefused) throw error
    throw new AttachmentRefused(
      error instanceof ArchiveError ? error.message : UNREADABLE(filename, 'Word document'),
    )
  } finally {
    archive.close()
  }
  output.end()
  const written: Buffer[] = []
  for await (const chunk of output.outputStream as AsyncIterable<Buffer>) written.push(chunk)
  return Buffer.concat(written)
}

const CLEANERS: Record<AttachmentKind, (data: Buffer, filename: string) => Promise<Buffer>> = {
  jpeg: (data, filename) => cleanImage(data, 'jpeg', filename),
  png: (data, filename) => cleanImage(data, 'png', filename),
  pdf: cleanPdf,
  docx: cleanDocx,
}

/**
 * Checks an attachment (size, kind by its first bytes) and strips its metadata, before anyone can
 * open it: what is kept is only the cleaned file.
 */
export async function cleanAttachment(file: ArrivedFile): Promise<CleanAttachment> {
  const kind = attachmentKind(file.data, file.filename)
  const shownName = kind ? safeFilename(file.filename, kind) : file.filename.slice(0, 100) || 'The file'
  if (file.truncated || file.data.length > ATTACHMENT_LIMITS.bytes)
    throw new AttachmentRefused(
      `${shownName} is larger than ${formatMegabytes(ATTACHMENT_LIMITS.bytes)}, the most one file may be`,
    )
  if (!kind) throw new AttachmentRefused(UNSUPPORTED(shownName))
  return {
    filename: safeFilename(file.filename, kind),
    mediaType: ATTACHMENT_MEDIA_TYPES[kind],
    data: await CLEANERS[kind](file.data, shownName),
  }
}

/**
 * A report's or an answer's files, each cleaned as `cleanAttachment`: no more than the limit (the form
 * reader lets one more through, so that too many is explained here rather than cut off).
 */
export async function cleanAttachments(files: ArrivedFile[]): Promise<CleanAttachment[]> {
  if (files.length > ATTACHMENT_LIMITS.files)
    throw new AttachmentRefused(`Send at most ${ATTACHMENT_LIMITS.files} files at a time`)
  const cleaned: CleanAttachment[] = []
  for (const file of files) cleaned.push(await cleanAttachment(file))
  return cleaned
}

/** An attachment as stored: AES-256-GCM with a fresh 96-bit nonce per file and its 128-bit tag. */
export interface SealedBytes {
  iv: Buffer
  authTag: Buffer
  ciphertext: Buffer
}

/** Encrypts with the reports key; the report's id is bound in as associated data, so a file cannot be moved to another report. */
export function seal(key: Buffer, data: Buffer, reportId: string): SealedBytes {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(reportId))
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()])
  return { iv, authTag: cipher.getAuthTag(), ciphertext }
}

/** Decrypts and authenticates: a wrong key or an altered file throws rather than giving wrong bytes. */
export function unseal(key: Buffer, sealed: SealedBytes, reportId: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv)
  decipher.setAAD(Buffer.from(reportId))
  decipher.setAuthTag(sealed.authTag)
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()])
}
