import { convert } from 'html-to-text'
import mammoth from 'mammoth'
import { extractText, getDocumentProxy } from 'unpdf'
import { textProblem, unreadableReason } from './document.js'
import type { DocumentKind } from './schema.js'

/**
 * The text of an uploaded document (issue #9): plain text and Markdown as they are, HTML through
 * html-to-text, PDF through unpdf (Mozilla's PDF.js, no native code) and Word (DOCX) through mammoth.
 * What comes out is plain text the extractor reads and the review page shows.
 */

/** How many documents one upload takes, and how large each may be. */
export const DOCUMENT_LIMITS = { files: 20, bytes: 5 * 1024 * 1024 } as const

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
  let document: Awaited<ReturnType<typeof getDocumentProxy>>
  try {
    document = await getDocumentProxy(new Uint8Array(bytes))
  } catch {
    throw new UnreadableDocumentError('it is a damaged PDF file that cannot be read')
  }
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

async function docxToText(bytes: Uint8Array): Promise<string> {
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes) })
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
    text = await docxToText(bytes)
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
