import { convert } from 'html-to-text'
import mammoth from 'mammoth'
import { extractText, getDocumentProxy } from 'unpdf'
import { ArchiveError, ZipArchive, type ZipLimits } from '../../spreadsheets/zip.js'
import { textProblem, unreadableReason } from './document.js'
import type { DocumentKind } from './schema.js'

/**
 * The text of an uploaded document (issue #9): plain text and Markdown as they are, HTML through
 * html-to-text, PDF through unpdf (Mozilla's PDF.js, no native code) and Word (DOCX) through mammoth.
 * What comes out is plain text the extractor reads and the review page shows.
 */

/** How many documents one upload takes, and how large each may be. */
export const DOCUMENT_LIMITS = { files: 20, bytes: 5 * 1024 * 1024 } as const

/**
 * What a Word document (a zip) may unzip to, checked while it is inflated before mammoth reads it: mammoth
 * inflates every part into memory without a limit. A real 5 MB document unzips to a few times that.
 */
export const DOCUMENT_ZIP_LIMITS: ZipLimits = {
  zipEntries: 1_000,
  expandedBytes: 50 * 1024 * 1024,
  expansionRatio: 200,
}

/** Pages of a PDF read at most: a press release or report has tens; a 5 MB file can claim hundreds of thousands. */
export const PDF_MAX_PAGES = 500

/** A document that cannot be read: the reason is a sentence for the person who gave it. */
export class UnreadableDocumentError extends Error {}

const PDF_MAGIC = '%PDF'
const ZIP_MAGIC = 'PK\u0003\u0004'

const HTML_EXTENSIONS = /\.(?:html?|xhtml)$/i
const TEXT_EXTENSIONS = /\.(?:txt|text|md|markdown)$/i

function looksLikeHtml(text: string): boolean {
  return /^\s*(?:<!doctype html|<html\b)/i.test(text) || /<(?:body|p|div|h[1-6])\b[^>]*>/i.test(text)
}

function headingSelectors() {
  return ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
    selector,
    options: { uppercase: false },
  }))
}

/** HTML as plain text: paragraphs apart, list items as "- ", link addresses and images dropped. */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      ...headingSelectors(),
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'ul', options: { itemPrefix: '- ' } },
      { selector: 'table', format: 'dataTable' },
    ],
  })
}

interface PdfTextItem {
  str: string
  transform: number[]
  height: number
  hasEOL?: boolean
}

/**
 * A PDF's text, page by page, its lines kept and a blank line where the gap between two lines is
 * wider than a line (a new paragraph), so the extractor sees paragraphs and list items as blocks.
 */
async function pdfToText(bytes: Uint8Array): Promise<string> {
  let document: Awaited<ReturnType<typeof getDocumentProxy>> | undefined
  try {
    document = await getDocumentProxy(new Uint8Array(bytes))
    if (document.numPages > PDF_MAX_PAGES)
      throw new UnreadableDocumentError(
        `the PDF has ${document.numPages.toLocaleString('en-GB')} pages, more than the ${PDF_MAX_PAGES} a document may have`,
      )
    return await pdfPagesText(document)
  } catch (error) {
    if (error instanceof UnreadableDocumentError) throw error
    // PDF.js names its errors: a password, or anything else wrong with the file (a damaged page too).
    if ((error as Error | undefined)?.name === 'PasswordException')
      throw new UnreadableDocumentError('the PDF is protected by a password: give one without it')
    throw new UnreadableDocumentError('it is a damaged PDF file that cannot be read')
  } finally {
    await document?.destroy()
  }
}

async function pdfPagesText(document: Awaited<ReturnType<typeof getDocumentProxy>>): Promise<string> {
  const pages: string[] = []
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number)
    const content = await page.getTextContent()
    const lines: { text: string; y: number; height: number }[] = []
    let line = { text: '', y: Number.NaN, height: 0 }
    for (const raw of content.items) {
      if (!('str' in raw)) continue
      const item = raw as PdfTextItem
      const y = item.transform[5] ?? 0
      if (Number.isNaN(line.y)) line.y = y
      line.text += item.str
      line.height = Math.max(line.height, item.height || Math.abs(item.transform[3] ?? 0))
      if (item.hasEOL) {
        lines.push(line)
        line = { text: '', y: Number.NaN, height: 0 }
      }
    }
    if (line.text.trim()) lines.push(line)
    let text = ''
    for (const [index, current] of lines.entries()) {
      const previous = lines[index - 1]
      if (previous) {
        const gap = previous.y - current.y
        const lineHeight = Math.max(previous.height, current.height, 1)
        text += gap > lineHeight * 1.6 || gap < 0 ? '\n\n' : '\n'
      }
      text += current.text.trimEnd()
    }
    pages.push(text)
  }
  // The whole text, for when positions were not given (pages joined).
  if (!pages.join('').trim()) {
    const { text } = await extractText(document, { mergePages: true })
    return text
  }
  return pages.join('\n\n')
}

async function docxToText(filename: string, bytes: Uint8Array): Promise<string> {
  const buffer = Buffer.from(bytes)
  try {
    await ZipArchive.check(buffer, filename, DOCUMENT_ZIP_LIMITS, 'document')
  } catch (error) {
    if (error instanceof ArchiveError) throw new UnreadableDocumentError(error.message)
    throw new UnreadableDocumentError('it is a damaged ZIP file, not a Word (DOCX) document')
  }
  try {
    const result = await mammoth.extractRawText({ buffer })
    return result.value
  } catch {
    throw new UnreadableDocumentError(
      'it is a ZIP file or a damaged Word document, not a Word (DOCX) document',
    )
  }
}

function isDocx(bytes: Uint8Array): boolean {
  // A Word document is a ZIP whose parts include word/document.xml: its name is stored in the clear.
  return Buffer.from(bytes).includes('word/document.xml')
}

/**
 * The kind of document and its text, or UnreadableDocumentError saying why it cannot be read (empty,
 * binary, a spreadsheet, a PDF with no text in it…). Whether it is a press release is for the extractor.
 */
export async function documentText(
  filename: string,
  bytes: Uint8Array,
): Promise<{ kind: DocumentKind; text: string }> {
  if (bytes.length === 0) throw new UnreadableDocumentError('the file is empty')
  if (bytes.length > DOCUMENT_LIMITS.bytes)
    throw new UnreadableDocumentError(`the file is larger than ${DOCUMENT_LIMITS.bytes / 1024 / 1024} MB`)
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1')
  let kind: DocumentKind
  let text: string
  if (head.startsWith(PDF_MAGIC)) {
    kind = 'pdf'
    text = await pdfToText(bytes)
    if (!text.trim())
      throw new UnreadableDocumentError(
        'the PDF has no text in it (a scanned image?): give a PDF with text, or its text',
      )
  } else if (head.startsWith(ZIP_MAGIC)) {
    if (!isDocx(bytes)) throw new UnreadableDocumentError('it is a ZIP or spreadsheet file, not a document')
    kind = 'docx'
    text = await docxToText(filename, bytes)
  } else {
    const reason = unreadableReason(bytes)
    if (reason) throw new UnreadableDocumentError(reason)
    const decoded = new TextDecoder('utf-8').decode(bytes).replace(/^\ufeff/, '')
    const html = HTML_EXTENSIONS.test(filename) || (!TEXT_EXTENSIONS.test(filename) && looksLikeHtml(decoded))
    kind = html ? 'html' : 'text'
    text = html ? htmlToText(decoded) : decoded
  }
  text = text.replace(/\r\n?/g, '\n')
  const problem = textProblem(text)
  if (problem)
    throw new UnreadableDocumentError(problem === 'the document is empty' ? 'it has no text in it' : problem)
  return { kind, text }
}
