/**
 * Numbers as the press office writes them, and back.
 *
 * Writing (press style, as on GOV.UK news): one to nine in words, 10 and over in digits; no number in
 * digits at the start of a sentence (words up to 99, then "A total of 123"); zero phrased by the context
 * ("no cases", "did not investigate any", "no change"); nouns and verbs agree with the number.
 *
 * Reading: number words ("seven", "twenty-one", "one hundred and five"), digits ("72", "1,204"), and the
 * words that stand for zero ("no", "none", "nil", "zero").
 */

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
] as const
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] as const
const SCALES: [number, string][] = [
  [1_000_000_000, 'billion'],
  [1_000_000, 'million'],
  [1_000, 'thousand'],
  [100, 'hundred'],
]

function assertCount(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`expected a whole number, got ${value}`)
}

/** A whole number in British English words: 0 → "zero", 21 → "twenty-one", 105 → "one hundred and five". */
export function numberInWords(value: number): string {
  assertCount(value)
  if (value < 20) return UNITS[value] as string
  if (value < 100) {
    const unit = value % 10
    return `${TENS[Math.floor(value / 10)]}${unit ? `-${UNITS[unit]}` : ''}`
  }
  for (const [scale, name] of SCALES) {
    if (value < scale) continue
    const head = `${numberInWords(Math.floor(value / scale))} ${name}`
    const rest = value % scale
    if (rest === 0) return head
    return `${head}${rest < 100 ? ' and ' : ' '}${numberInWords(rest)}`
  }
  /* c8 ignore next */
  throw new RangeError(`cannot write ${value} in words`)
}

const digits = new Intl.NumberFormat('en-GB')

/** Capitalises the first letter (for the start of a sentence). */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export interface NumberStyle {
  /** The number begins a sentence: never digits first. */
  start?: boolean
}

/**
 * A number in press style: "seven", "72", "1,204". At the start of a sentence: "Seven", "Seventy-two",
 * and from 100 "A total of 123" (digits never open a sentence and long number words read badly).
 */
export function pressNumber(value: number, style: NumberStyle = {}): string {
  assertCount(value)
  if (!style.start) return value >= 1 && value <= 9 ? numberInWords(value) : digits.format(value)
  if (value < 100) return capitalise(numberInWords(value))
  return `A total of ${digits.format(value)}`
}

/** The plural of an English noun phrase, for the nouns the press releases use ("case" → "cases"). */
export function pluralOf(singular: string): string {
  const irregular: Record<string, string> = {
    'member of staff': 'members of staff',
    person: 'people',
    'staff member': 'staff members',
  }
  if (irregular[singular]) return irregular[singular]
  // "instance of inappropriate disclosure" → "instances of inappropriate disclosure"
  const split = /^(\S+)( of .*)$/.exec(singular)
  if (split) return `${pluralOf(split[1] as string)}${split[2]}`
  if (/(s|x|z|ch|sh)$/.test(singular)) return `${singular}es`
  if (/[^aeiou]y$/.test(singular)) return `${singular.slice(0, -1)}ies`
  return `${singular}s`
}

/** The noun for a count: "case" for 1, "cases" otherwise (including 0). */
export function nounFor(value: number, singular: string, plural = pluralOf(singular)): string {
  return value === 1 ? singular : plural
}

/** The verb for a count: `was` for 1, `were` otherwise ("no cases were", "one case was"). */
export function verbFor(value: number, singular = 'was', plural = 'were'): string {
  return value === 1 ? singular : plural
}

export interface CountStyle extends NumberStyle {
  plural?: string
  /** How zero is written before the noun; "no" by default ("no cases"). */
  zero?: string
}

/** A counted noun: "one case", "seven cases", "40 applications", "no cases", "Seventy-six applications". */
export function countOf(value: number, singular: string, style: CountStyle = {}): string {
  const noun = nounFor(value, singular, style.plural)
  if (value === 0) {
    const zero = style.zero ?? 'no'
    return `${style.start ? capitalise(zero) : zero} ${noun}`
  }
  return `${pressNumber(value, style)} ${noun}`
}

/**
 * The part of a whole, as a relative clause after the whole: "all of which were approved",
 * "72 of which were approved", "none of which were continuing", "three of which were continuing",
 * and for a whole of one "which was approved" / "which was not approved".
 */
export function ofWhich(part: number, whole: number, predicate: string): string {
  assertCount(part)
  assertCount(whole)
  if (part > whole) throw new RangeError(`${part} of ${whole}`)
  if (whole === 1) return part === 1 ? `which was ${predicate}` : `which was not ${predicate}`
  if (part === whole)
    return whole === 2 ? `both of which were ${predicate}` : `all of which were ${predicate}`
  if (part === 0) return `none of which were ${predicate}`
  return `${pressNumber(part)} of which ${verbFor(part)} ${predicate}`
}

/**
 * A change in a count: "increased by three", "reduced by 12", and "no change" for zero. With a noun:
 * "increased by one member of staff".
 */
export function changeBy(value: number, singular?: string, plural?: string): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`expected a whole number, got ${value}`)
  if (value === 0) return 'no change'
  const size = Math.abs(value)
  const amount = singular ? countOf(size, singular, plural ? { plural } : {}) : pressNumber(size)
  return `${value > 0 ? 'increased' : 'reduced'} by ${amount}`
}

// ---------------------------------------------------------------------------------------------------
// Reading numbers back

const UNIT_VALUES = new Map<string, number>(UNITS.map((word, index) => [word, index]))
const TEN_VALUES = new Map<string, number>(
  TENS.map((word, index) => [word, index * 10]).filter(([w]) => w) as [string, number][],
)
const SCALE_VALUES = new Map<string, number>(SCALES.map(([value, name]) => [name, value]))
const ZERO_WORDS = new Set(['no', 'none', 'nil', 'zero', 'nought'])
const EXTRA_VALUES = new Map<string, number>([
  ['a', 1],
  ['an', 1],
  ['single', 1],
  ['dozen', 12],
])

/** Words that stand for zero when they quantify a noun or stand alone: "no", "none", "nil", "zero". */
export function isZeroWord(word: string): boolean {
  return ZERO_WORDS.has(word.toLowerCase())
}

/** A single token as a number: "72", "1,204", "seven", "twenty-one", "Forty"; null when it is not one. */
export function parseNumberToken(token: string): number | null {
  const word = token.toLowerCase().replace(/[\u2010-\u2015]/g, '-')
  if (/^\d{1,3}(,\d{3})+$/.test(word) || /^\d+$/.test(word)) return Number(word.replaceAll(',', ''))
  if (UNIT_VALUES.has(word)) return UNIT_VALUES.get(word) as number
  if (TEN_VALUES.has(word)) return TEN_VALUES.get(word) as number
  const compound = /^([a-z]+)-([a-z]+)$/.exec(word)
  if (compound) {
    const tens = TEN_VALUES.get(compound[1] as string)
    const unit = UNIT_VALUES.get(compound[2] as string)
    if (tens !== undefined && unit !== undefined && unit >= 1 && unit <= 9) return tens + unit
  }
  return null
}

export interface NumberRead {
  value: number
  /** How many tokens the number took. */
  length: number
}

/**
 * Reads the number that starts at `tokens[index]`: digits, or words across several tokens
 * ("one hundred and twenty one", "a total of 76" is read by the caller as "76"). Zero words and
 * "a"/"an"/"a single" are read only when `loose` is set: they count only before a counted noun.
 */
export function readNumberAt(tokens: readonly string[], index: number, loose = false): NumberRead | null {
  const first = tokens[index]
  if (first === undefined) return null
  const lower = first.toLowerCase()
  if (loose && ZERO_WORDS.has(lower)) return { value: 0, length: 1 }
  if (loose && (lower === 'a' || lower === 'an')) {
    if (tokens[index + 1]?.toLowerCase() === 'single') return { value: 1, length: 2 }
    if (tokens[index + 1]?.toLowerCase() === 'dozen') return { value: 12, length: 2 }
    // "a hundred", "a thousand and five"
    if (SCALE_VALUES.has(tokens[index + 1]?.toLowerCase() ?? '')) {
      return readNumberAt([...tokens.slice(0, index), 'one', ...tokens.slice(index + 1)], index)
    }
    return { value: 1, length: 1 }
  }
  if (loose && EXTRA_VALUES.has(lower) && lower !== 'a' && lower !== 'an') {
    return { value: EXTRA_VALUES.get(lower) as number, length: 1 }
  }
  if (/^\d/.test(first)) {
    const value = parseNumberToken(first)
    return value === null ? null : { value, length: 1 }
  }
  // Words: a sum of groups, each group (units/tens/hundreds) optionally multiplied by a scale.
  let total = 0
  let group = 0
  let position = index
  let read = 0
  let lastWasNumber = false
  while (position < tokens.length) {
    const token = (tokens[position] as string).toLowerCase()
    if (token === 'and' && lastWasNumber) {
      const after = tokens[position + 1]
      if (
        after !== undefined &&
        parseNumberToken(after) !== null &&
        !/^\d/.test(after) &&
        group + total > 0
      ) {
        position += 1
        lastWasNumber = false
        continue
      }
      break
    }
    const scale = SCALE_VALUES.get(token)
    if (scale !== undefined) {
      if (!lastWasNumber) break
      if (scale === 100) group = (group || 1) * 100
      else {
        total += (group || 1) * scale
        group = 0
      }
      position += 1
      read = position - index
      continue
    }
    const value = parseNumberToken(token)
    if (value === null || /^\d/.test(token)) break
    // "twenty" followed by "one" (written without the hyphen)
    if (lastWasNumber && group % 100 !== 0 && !(group % 10 === 0 && value < 10 && group % 100 >= 20)) break
    group += value
    position += 1
    read = position - index
    lastWasNumber = true
  }
  if (read === 0) return null
  return { value: total + group, length: read }
}

/** Parses a whole phrase as a number ("seven", "twenty one", "a hundred", "72", "none"); null when it is not one. */
export function parseNumberPhrase(phrase: string): number | null {
  const tokens = phrase.trim().split(/\s+/).filter(Boolean)
  if (tokens.length === 0) return null
  const read = readNumberAt(tokens, 0, true)
  return read && read.length === tokens.length ? read.value : null
}
