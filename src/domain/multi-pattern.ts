/**
 * Multi-pattern matching for screening text: Aho–Corasick over normalised text, so a post is read once
 * whatever the number of terms (not one regular expression per term per post).
 *
 * Normalised text: lower case, accents removed (NFKD without combining marks), every run of characters
 * that are neither letters, digits nor an apostrophe turned into one space. Terms are normalised the same
 * way, so "Off-duty", "off  duty" and "OFF DUTY" all match the term "off duty", and "café" matches "cafe".
 * A match must start and end at a word boundary, so "class" does not match "ass"; a term ending in `*`
 * may end inside a word ("idiot*" matches "idiots").
 */

const SPACE = 0x20
const APOSTROPHE = 0x27

/** ASCII code unit → normalised code unit (lower-cased letters, digits, apostrophe; anything else a space). */
const ASCII = new Uint16Array(128)
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code)
  if (/[a-z0-9]/.test(char)) ASCII[code] = code
  else if (/[A-Z]/.test(char)) ASCII[code] = code + 32
  else if (code === APOSTROPHE) ASCII[code] = APOSTROPHE
  else ASCII[code] = SPACE
}

/** Non-ASCII code points met so far → their normalised text ('' for a separator); bounded in size. */
const wide = new Map<number, string>()
const WORD = /[\p{L}\p{N}]/u

function normaliseWide(codePoint: number): string {
  let known = wide.get(codePoint)
  if (known === undefined) {
    const char = String.fromCodePoint(codePoint)
    if (codePoint === 0x2019 || codePoint === 0x2018) known = "'"
    else if (!WORD.test(char)) known = ''
    else known = char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    if (wide.size < 100_000) wide.set(codePoint, known)
  }
  return known
}

/** Text normalised into code units, with where each came from in the original (for highlighting). */
export interface Normalised {
  units: Uint16Array
  length: number
  /** Original start of each unit; filled only when asked for. */
  from?: Int32Array
  /** Original end (exclusive) of each unit; filled only when asked for. */
  to?: Int32Array
}

/**
 * Normalises `text` into `into` (grown when too small, so one buffer serves every post), optionally
 * recording where each normalised unit came from. Leading and trailing separators are dropped.
 */
export function normaliseUnits(text: string, withOffsets = false, into?: Normalised): Normalised {
  const capacity = text.length * 2 + 2
  const out: Normalised =
    into && into.units.length >= capacity
      ? into
      : { units: new Uint16Array(Math.max(capacity, into?.units.length ?? 0, 256)), length: 0 }
  if (withOffsets) {
    out.from = new Int32Array(out.units.length)
    out.to = new Int32Array(out.units.length)
  }
  let units = out.units
  let from = out.from
  let to = out.to
  let length = 0
  for (let index = 0; index < text.length; ) {
    const code = text.charCodeAt(index)
    let width = 1
    let single = -1
    let several = ''
    if (code < 128) single = ASCII[code] as number
    else {
      const codePoint = text.codePointAt(index) as number
      width = codePoint > 0xffff ? 2 : 1
      const normal = normaliseWide(codePoint)
      if (normal === '') single = SPACE
      else if (normal.length === 1) single = normal.charCodeAt(0)
      else several = normal
    }
    if (single === SPACE) {
      if (length > 0 && units[length - 1] !== SPACE) {
        if (from && to) {
          from[length] = index
          to[length] = index + width
        }
        units[length++] = SPACE
      }
    } else if (single >= 0) {
      if (from && to) {
        from[length] = index
        to[length] = index + width
      }
      units[length++] = single
    } else {
      if (length + several.length + 2 > units.length) {
        // A ligature that expands a lot (e.g. U+FDFA): grow the buffers.
        const grown = new Uint16Array(units.length * 2 + several.length + text.length)
        grown.set(units)
        units = grown
        out.units = grown
        if (from && to) {
          const grownFrom = new Int32Array(grown.length)
          const grownTo = new Int32Array(grown.length)
          grownFrom.set(from)
          grownTo.set(to)
          from = grownFrom
          to = grownTo
          out.from = from
          out.to = to
        }
      }
      for (let k = 0; k < several.length; k++) {
        if (from && to) {
          from[length] = index
          to[length] = index + width
        }
        units[length++] = several.charCodeAt(k)
      }
    }
    index += width
  }
  if (length > 0 && units[length - 1] === SPACE) length--
  out.length = length
  return out
}

/** Text normalised as the matcher sees it, as a string (for terms and tests). */
export function normaliseText(text: string): string {
  const { units, length } = normaliseUnits(text)
  let result = ''
  for (let start = 0; start < length; start += 8192)
    result += String.fromCharCode(...units.subarray(start, Math.min(length, start + 8192)))
  return result
}

export interface Pattern<Tag> {
  /** Words to find; a trailing `*` lets the last word run on. */
  text: string
  tag: Tag
}

export interface Match<Tag> {
  pattern: number
  tag: Tag
  /** Where the match is in the normalised units, [start, end). */
  start: number
  end: number
}

/**
 * An Aho–Corasick automaton compiled into a dense table (states × alphabet), so each unit of text costs
 * one array read. The alphabet is the units the patterns use; any other unit leads back to the root.
 */
export class MultiPatternMatcher<Tag> {
  private readonly classOf = new Uint16Array(65536)
  private readonly alphabetSize: number
  private readonly delta: Int32Array
  /** For each state, the patterns that end there (its own and those of its suffixes). */
  private readonly outputs: (number[] | undefined)[]
  private readonly lengths: number[] = []
  private readonly prefixOnly: boolean[] = []
  readonly patterns: { text: string; normalised: string; tag: Tag }[] = []

  /** With `wholeWords: false` a pattern matches anywhere, even inside a word (handles like @GMPolice). */
  constructor(
    patterns: readonly Pattern<Tag>[],
    private readonly options: { wholeWords?: boolean } = {},
  ) {
    let nextClass = 1
    const words: number[][] = []
    for (const pattern of patterns) {
      const trimmed = pattern.text.trim()
      const runsOn = trimmed.endsWith('*')
      const normalised = normaliseText(runsOn ? trimmed.slice(0, -1) : trimmed)
      if (!normalised) continue
      const units: number[] = []
      for (let k = 0; k < normalised.length; k++) {
        const unit = normalised.charCodeAt(k)
        if (this.classOf[unit] === 0) this.classOf[unit] = nextClass++
        units.push(unit)
      }
      words.push(units)
      this.lengths.push(units.length)
      this.prefixOnly.push(runsOn)
      this.patterns.push({ text: trimmed, normalised, tag: pattern.tag })
    }
    this.alphabetSize = nextClass
    // The trie, then breadth-first failure links folded into the table.
    const children: Map<number, number>[] = [new Map()]
    const own: number[][] = [[]]
    words.forEach((units, patternIndex) => {
      let state = 0
      for (const unit of units) {
        const symbol = this.classOf[unit] as number
        let next = children[state]?.get(symbol)
        if (next === undefined) {
          next = children.length
          children.push(new Map())
          own.push([])
          children[state]?.set(symbol, next)
        }
        state = next
      }
      own[state]?.push(patternIndex)
    })
    const states = children.length
    const size = this.alphabetSize
    const delta = new Int32Array(states * size)
    const fail = new Int32Array(states)
    this.outputs = new Array(states)
    const queue: number[] = []
    for (let symbol = 0; symbol < size; symbol++) {
      const next = children[0]?.get(symbol)
      if (next !== undefined) {
        delta[symbol] = next
        fail[next] = 0
        queue.push(next)
      }
    }
    this.outputs[0] = undefined
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number
      const mine = own[state] ?? []
      const inherited = this.outputs[fail[state] as number] ?? []
      this.outputs[state] = mine.length || inherited.length ? [...mine, ...inherited] : undefined
      for (let symbol = 0; symbol < size; symbol++) {
        const next = children[state]?.get(symbol)
        const viaFailure = delta[(fail[state] as number) * size + symbol] as number
        if (next !== undefined) {
          delta[state * size + symbol] = next
          fail[next] = viaFailure
          queue.push(next)
        } else delta[state * size + symbol] = viaFailure
      }
    }
    this.delta = delta
  }

  /** Every match in normalised text, overlapping ones included, at word boundaries, in end order. */
  scanUnits(text: Normalised, found: (match: Match<Tag>) => void): void {
    const { units, length } = text
    const { classOf, delta, outputs, alphabetSize, lengths, prefixOnly, patterns } = this
    const wholeWords = this.options.wholeWords ?? true
    let state = 0
    for (let index = 0; index < length; index++) {
      state = delta[state * alphabetSize + (classOf[units[index] as number] as number)] as number
      const ending = outputs[state]
      if (ending === undefined) continue
      const end = index + 1
      const boundaryAfter = !wholeWords || end === length || units[end] === SPACE
      for (const pattern of ending) {
        const start = end - (lengths[pattern] as number)
        if (wholeWords && start > 0 && units[start - 1] !== SPACE) continue
        if (!boundaryAfter && !prefixOnly[pattern]) continue
        found({ pattern, tag: (patterns[pattern] as { tag: Tag }).tag, start, end })
      }
    }
  }

  /** Every match in `text` (normalised here), with positions in the normalised units. */
  matches(text: string): Match<Tag>[] {
    const found: Match<Tag>[] = []
    this.scanUnits(normaliseUnits(text), (match) => found.push(match))
    return found
  }
}

/** A piece of the original text, marked when a match covers it: for `<mark>` in a page. */
export interface Segment {
  text: string
  mark: boolean
}

/** Splits `text` into marked and unmarked pieces where `matcher` finds its patterns (whole words). */
export function highlight<Tag>(text: string, matcher: MultiPatternMatcher<Tag>): Segment[] {
  const normalised = normaliseUnits(text, true)
  const spans: [number, number][] = []
  matcher.scanUnits(normalised, ({ pattern, start, end: matchEnd }) => {
    // A term that may run on ("idiot*") marks the whole word it starts.
    let end = matchEnd
    if (matcher.patterns[pattern]?.text.endsWith('*'))
      while (end < normalised.length && normalised.units[end] !== SPACE) end++
    const from = normalised.from?.[start] as number
    const to = normalised.to?.[end - 1] as number
    spans.push([from, to])
  })
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const segments: Segment[] = []
  let at = 0
  for (const [from, to] of spans) {
    if (to <= at) continue
    const start = Math.max(from, at)
    if (start > at) segments.push({ text: text.slice(at, start), mark: false })
    const last = segments[segments.length - 1]
    if (last?.mark && start === at) last.text += text.slice(start, to)
    else segments.push({ text: text.slice(start, to), mark: true })
    at = to
  }
  if (at < text.length) segments.push({ text: text.slice(at), mark: false })
  return segments
}
