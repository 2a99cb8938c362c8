import { ValidationError } from '../../domain/errors.js'

/**
 * A document's text made regular for reading — HTML tags and Markdown marks dropped, Unicode quotes,
 * dashes and spaces made plain, lines broken by PDF extraction joined — then cut into blocks
 * (paragraphs, list items) and sentences, each knowing where it stands in the original text.
 */

/** A document that is not a readable press release: the message says why, for the person who gave it. */
export class NotAPressReleaseError extends ValidationError {
  constructor(message: string) {
    super({ document: message })
  }
}

/** Text with, for every character, the offset of the original character it came from. */
class MappedText {
  constructor(
    readonly text: string,
    /** map[i] is the original offset of text[i]; one entry more for the end. */
    readonly map: number[],
  ) {}

  static of(text: string): MappedText {
    return new MappedText(
      text,
      Array.from({ length: text.length + 1 }, (_, index) => index),
    )
  }

  replace(pattern: RegExp, replacement: string | ((match: RegExpExecArray) => string)): MappedText {
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
    )
    let text = ''
    const map: number[] = []
    let last = 0
    for (let match = global.exec(this.text); match; match = global.exec(this.text)) {
      if (match[0].length === 0) {
        global.lastIndex += 1
        continue
      }
      text += this.text.slice(last, match.index)
      map.push(...this.map.slice(last, match.index))
      const replaced =
        typeof replacement === 'string'
          ? replacement.replace(/\$(\d)/g, (_, group: string) => match?.[Number(group)] ?? '')
          : replacement(match)
      text += replaced
      for (let index = 0; index < replaced.length; index++) {
        map.push(this.map[match.index + Math.min(index, match[0].length - 1)] as number)
      }
      last = match.index + match[0].length
    }
    text += this.text.slice(last)
    map.push(...this.map.slice(last))
    return new MappedText(text, map)
  }
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  rsquo: "'",
  lsquo: "'",
  ldquo: '"',
  rdquo: '"',
  ndash: '-',
  mdash: '-',
  hellip: '...',
  pound: '£',
}

const CHARACTERS: [RegExp, string][] = [
  [/\r\n?/, '\n'],
  [/[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]/, '-'],
  [/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]/, ' '],
  [/[\u00ad\u200b-\u200d\u2060\ufeff]/, ''],
  [/\ufb01/, 'fi'],
  [/\ufb02/, 'fl'],
  [/\u2026/, '...'],
  [/[\u2022\u25e6\u25aa\u25cf\u2023\u2043\u25a0\u25a1\uf0b7\u00b7]/, '-'],
]

/** Why the bytes cannot be a press release's text, or null when they can be read as text. */
export function unreadableReason(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'the file is empty'
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1')
  if (head.startsWith('%PDF')) return 'it is a PDF file: give the text extracted from it'
  if (head.startsWith('PK\u0003\u0004')) return 'it is a ZIP, Word or spreadsheet file, not text'
  if (bytes.includes(0)) return 'it is a binary file, not text'
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return 'it is not UTF-8 text'
  }
  return textProblem(text)
}

/** Why a string cannot be a document's text, or null. */
export function textProblem(text: string): string | null {
  if (text.trim() === '') return 'the document is empty'
  let control = 0
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    // Control characters other than tab, line breaks and form feed, and the replacement character.
    if (code < 9 || (code > 13 && code < 32) || code === 127 || code === 0xfffd) control += 1
  }
  if (control > 0 && control / text.length > 0.01) return 'it is a binary file, not text'
  return null
}

function looksLikeHtml(text: string): boolean {
  return /<(?:p|div|li|ul|ol|h[1-6]|br|body|html|section|article|blockquote)\b[^>]*>/i.test(text)
}

/** The text made regular, with its map back to the original. */
function normalise(original: string): MappedText {
  let text = MappedText.of(original)
  if (looksLikeHtml(original)) {
    text = text
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/i, '')
      .replace(/<li\b[^>]*>/i, '\n\n- ')
      .replace(
        /<\/?(?:p|div|li|ul|ol|h[1-6]|br|tr|table|section|article|blockquote|header|footer)\b[^>]*>/i,
        '\n\n',
      )
      .replace(/<[^>]+>/, '')
      .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/i, (match) => {
        const name = (match[1] as string).toLowerCase()
        if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16))
        if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)))
        return ENTITIES[name] ?? match[0]
      })
  }
  for (const [pattern, replacement] of CHARACTERS) text = text.replace(pattern, replacement)
  // Markdown: headings, block quotes, links, emphasis, escapes.
  text = text
    .replace(/^[ ]*#{1,6}[ ]+/m, '')
    .replace(/^[ ]*>[ ]?/m, '')
    .replace(/\[([^\]\n]+)\]\([^)\n]*\)/, '$1')
    .replace(/(?<![\\\w*])(\*{1,2}|_{1,2})(?=[^\s*_])/, '')
    .replace(/(?<=[^\s\\*_])(\*{1,2}|_{1,2})(?![\w*])/, '')
    .replace(/\\([\\`*_[\]<>#|.+\-!()])/, '$1')
    .replace(/[ ]{2,}/, ' ')
  return text
}

export interface Span {
  /** Offsets in the original text: original.slice(start, end). */
  start: number
  end: number
}

export interface Sentence extends Span {
  /** The sentence as read: one line, plain quotes and dashes. */
  text: string
  block: number
  /** The block is a list item. */
  bullet: boolean
  /** The sentence is in the notes to editors (background, not facts). */
  notes: boolean
}

export interface ReadDocument {
  /** Blocks (paragraphs and list items), each a line of text. */
  blocks: { text: string; bullet: boolean; notes: boolean; start: number; end: number }[]
  sentences: Sentence[]
}

const BULLET_MARK = /^[ ]*(?:[-*+o]|\d{1,2}[.)]|\(?[a-z0-9]\))[ ]+/
/** Word parts that keep their hyphen when a PDF line breaks after them ("anti-" + "corruption"). */
const KEEP_HYPHEN =
  /(?:^|[^a-z])(?:anti|counter|self|second|force|co|non|cross|well|ex|out|part|full|wide|social|pre|post|multi|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-$/i
const ABBREVIATIONS =
  /(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Co|Ltd|Insp|Supt|Sgt|Det|Ch|Con|approx|vs|Vol|pp|Prof|Rev|Hon|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b(?:e\.g|i\.e)|\b[A-Z])$/

const NOTES_HEADING = /^(?:notes (?:to|for) editors|-*\s*ends\s*-*):?$/i

interface Line {
  text: string
  start: number
  end: number
}

/** Cuts the document into blocks and sentences; `original` offsets are kept for every sentence. */
export function readDocument(original: string): ReadDocument {
  const text = normalise(original)
  const lines: Line[] = []
  let offset = 0
  for (const raw of text.text.split('\n')) {
    lines.push({ text: raw, start: offset, end: offset + raw.length })
    offset += raw.length + 1
  }
  const originalOffset = (index: number) => text.map[index] ?? original.length
  type Piece = { text: string; start: number; end: number }
  type Block = { pieces: Piece[]; bullet: boolean }
  const rawBlocks: Block[] = []
  let current: Block | null = null
  for (const line of lines) {
    const trimmed = line.text.trim()
    if (trimmed === '') {
      current = null
      continue
    }
    const leading = line.text.length - line.text.trimStart().length
    const bullet = BULLET_MARK.exec(line.text)
    const markLength = bullet ? bullet[0].length : leading
    const piece = {
      text: line.text.slice(markLength).trimEnd(),
      start: line.start + markLength,
      end: line.start + line.text.trimEnd().length,
    }
    // A numbered or lettered line starts a new block only when it looks like a list, not "10) …" prose.
    // A heading on a line of its own ("Notes to editors") is a block even without blank lines around it.
    const heading = NOTES_HEADING.test(trimmed)
    if (bullet || !current || heading) {
      current = { pieces: [piece], bullet: Boolean(bullet) }
      rawBlocks.push(current)
    } else {
      current.pieces.push(piece)
    }
    if (heading) current = null
  }
  const blocks: ReadDocument['blocks'] = []
  const sentences: Sentence[] = []
  let inNotes = false
  for (const block of rawBlocks) {
    // Join the block's lines: a hyphen broken over a line joins the word, other breaks become a space.
    let joined = ''
    const positions: number[] = []
    for (const piece of block.pieces) {
      if (joined) {
        const previous = joined
        if (/[a-z]-$/i.test(previous) && /^[a-z]/.test(piece.text) && !KEEP_HYPHEN.test(previous)) {
          joined = joined.slice(0, -1)
          positions.pop()
        } else if (!/-$/.test(previous) || /\s-$/.test(previous)) {
          joined += ' '
          positions.push(piece.start)
        }
      }
      for (let index = 0; index < piece.text.length; index++) positions.push(piece.start + index)
      joined += piece.text
    }
    positions.push(block.pieces.at(-1)?.end ?? 0)
    if (NOTES_HEADING.test(joined) || /^notes (?:to|for) editors\b/i.test(joined)) inNotes = true
    const blockIndex = blocks.length
    blocks.push({
      text: joined,
      bullet: block.bullet,
      notes: inNotes,
      start: originalOffset(positions[0] as number),
      end: originalOffset(positions.at(-1) as number),
    })
    for (const [from, to] of splitSentences(joined)) {
      const sentenceText = joined.slice(from, to).trim()
      if (!sentenceText) continue
      const lead = joined.slice(from, to).length - joined.slice(from, to).trimStart().length
      const start = positions[from + lead] as number
      const endIndex = positions[from + lead + sentenceText.length - 1] as number
      sentences.push({
        text: sentenceText,
        start: originalOffset(start),
        end: originalOffset(endIndex) + 1,
        block: blockIndex,
        bullet: block.bullet,
        notes: inNotes,
      })
    }
  }
  return { blocks, sentences }
}

/** Sentence boundaries in a line of text, as [start, end) pairs. */
export function splitSentences(text: string): [number, number][] {
  const cuts: [number, number][] = []
  let start = 0
  const boundary = /[.!?]["')\]]*(?=\s+["'([]?[A-Z0-9])|:(?=\s+")/g
  for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
    const end = match.index + match[0].length
    const before = text.slice(start, match.index)
    if (match[0].startsWith('.') && ABBREVIATIONS.test(before)) continue
    // "www.hmic.gov.uk" and "8.30" have no space after the dot, so they never match.
    cuts.push([start, end])
    start = end
  }
  if (start < text.length) cuts.push([start, text.length])
  return cuts
}
