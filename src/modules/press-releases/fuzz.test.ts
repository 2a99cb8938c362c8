import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { damagedCopies } from '../../../test/support/damage.js'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import { type ZipPart, zip } from '../../../test/support/zip.js'
import { ValidationError } from '../../domain/errors.js'
import { DOCUMENT_ZIP_LIMITS, documentText, PDF_MAX_PAGES, UnreadableDocumentError } from './document-text.js'
import { extractPressRelease } from './extractor.js'
import { shippedForces } from './forces.js'

/**
 * The document readers `probity extract` and the document imports use (text, HTML, PDF, Word), fed
 * arbitrary bytes and damaged copies of readable documents: each either reads the document or says
 * why it cannot (UnreadableDocumentError, then the extractor's ValidationError); nothing else is
 * thrown, and every run ends (the test's time limit).
 */

const forces = shippedForces()
const release = fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, 'cheshire.txt'), 'utf8')

/**
 * A one-page PDF whose text is `text`, with a correct cross-reference table; `claimedPages` is what its
 * page tree says it holds (a hostile file can claim any number).
 */
function pdf(text: string, claimedPages = 1): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${'3 0 R '.repeat(claimedPages)}] /Count ${claimedPages} >>`,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(body.length)
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

/** A Word document whose paragraphs are `paragraphs`, with `extra` parts beside them. */
function docx(paragraphs: string[], extra: ZipPart[] = []): Buffer {
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return zip([
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      data: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    },
    {
      name: 'word/document.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs
        .map((paragraph) => `<w:p><w:r><w:t xml:space="preserve">${xml(paragraph)}</w:t></w:r></w:p>`)
        .join('')}</w:body></w:document>`,
    },
    ...extra,
  ])
}

const html = Buffer.from(
  `<!doctype html><html><body>${release
    .split(/\n\s*\n/)
    .map((block) => `<p>${block.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
    .join('')}</body></html>`,
)

/** Readable documents of every kind, to be damaged. */
const SEEDS: { filename: string; data: Buffer }[] = [
  { filename: 'release.txt', data: Buffer.from(release) },
  { filename: 'release.html', data: html },
  {
    filename: 'release.pdf',
    // The PDF's one line of text: the release's first, in the characters of the standard font.
    data: pdf((release.split('\n').find((line) => line.trim()) ?? '').replace(/[^\x20-\x7e]/g, ' ')),
  },
  { filename: 'release.docx', data: docx(release.split(/\n\s*\n/)) },
]

/** A damaged copy of a readable document, under its name. */
const damaged = damagedCopies(SEEDS, (seed) => seed.data).map(({ seed, data }) => ({
  filename: seed.filename,
  data,
}))

const arbitrary = fc.record({
  filename: fc.constantFrom('x.txt', 'x.md', 'x.html', 'x.pdf', 'x.docx', 'x'),
  data: fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: 'binary', maxLength: 2048 }).map((text) => Buffer.from(text)),
    // The magic numbers, so the PDF and ZIP readers get garbage too.
    fc
      .tuple(
        fc.constantFrom('%PDF-1.4\n', 'PK\u0003\u0004word/document.xml'),
        fc.uint8Array({ maxLength: 1024 }),
      )
      .map(([magic, rest]) => Buffer.concat([Buffer.from(magic, 'latin1'), Buffer.from(rest)])),
  ),
})

/** Reads a document as `probity extract` does: its text, then its facts. */
async function readAndExtract(file: { filename: string; data: Buffer }): Promise<void> {
  try {
    const { text } = await documentText(file.filename, file.data)
    expect(typeof text).toBe('string')
    extractPressRelease(text, forces)
  } catch (error) {
    if (error instanceof UnreadableDocumentError || error instanceof ValidationError) return
    throw error
  }
}

describe('the press-release document readers', () => {
  it('read every undamaged seed', async () => {
    for (const seed of SEEDS)
      expect((await documentText(seed.filename, seed.data)).text.length).toBeGreaterThan(0)
  })

  it('read or refuse arbitrary bytes, throwing nothing else', async () => {
    await fc.assert(fc.asyncProperty(arbitrary, readAndExtract), { numRuns: 150 })
  }, 120_000)

  it('read or refuse damaged documents of every kind, throwing nothing else', async () => {
    await fc.assert(fc.asyncProperty(damaged, readAndExtract), { numRuns: 150 })
  }, 120_000)

  it('refuse a Word document that unzips too far before the Word reader inflates it', async () => {
    const paragraphs = release.split(/\n\s*\n/)
    const tooFar = DOCUMENT_ZIP_LIMITS.expandedBytes + 1024 * 1024
    // Parts that say what they inflate to are refused from the zip's directory, before anything is
    // inflated: 20 MB of zeros, under the size limit, compresses a thousandfold.
    const honestBomb = docx(paragraphs, [
      { name: 'word/media/padding.bin', data: Buffer.alloc(20 * 1024 * 1024) },
    ])
    await expect(documentText('bomb.docx', honestBomb)).rejects.toThrow(
      'bomb.docx expands more than 200 times when unzipped, which no real document does',
    )
    // Many parts each small enough to be let through on its own ratio, too large together.
    const megabyte = Buffer.alloc(1024 * 1024)
    const manyParts = docx(
      paragraphs,
      Array.from({ length: 51 }, (_, index) => ({ name: `word/media/part${index}.bin`, data: megabyte })),
    )
    await expect(documentText('parts.docx', manyParts)).rejects.toThrow(
      'parts.docx expands to more than 50 MB when unzipped, the most a document may',
    )
    // A part whose directory lies about its size is stopped once it inflates past what it said.
    const lyingBomb = docx(paragraphs, [
      { name: 'word/media/padding.bin', data: Buffer.alloc(tooFar), declaredSize: 10 },
    ])
    await expect(documentText('lies.docx', lyingBomb)).rejects.toThrow('it is a damaged ZIP file')
  }, 60_000)

  it('refuse a PDF that claims more pages than a document has, and read one that has few', async () => {
    const line = 'Cheshire Constabulary has made progress'
    expect((await documentText('short.pdf', pdf(line, 3))).text).toContain(line)
    await expect(documentText('long.pdf', pdf(line, PDF_MAX_PAGES + 1))).rejects.toThrow(
      `the PDF has 501 pages, more than the ${PDF_MAX_PAGES} a document may have`,
    )
  })
})
