import { parseNumberToken, readNumberAt } from '../../domain/number-words.js'

/**
 * Words of one sentence and the quantities in them, and what a sentence states with them (a thing done or
 * not, a change in number): the pieces the extractor's patterns are made of.
 */

export interface Token {
  text: string
  lower: string
  start: number
  end: number
}

const TOKEN = /\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|[\p{L}]+(?:['-][\p{L}]+)*|[^\s\p{L}\d]/gu

export function tokenise(sentence: string): Token[] {
  const tokens: Token[] = []
  for (const match of sentence.matchAll(TOKEN)) {
    tokens.push({
      text: match[0],
      lower: match[0].toLowerCase(),
      start: match.index,
      end: match.index + match[0].length,
    })
  }
  return tokens
}

export const NEGATIONS = new Set([
  'not',
  "n't",
  'never',
  'no',
  'nor',
  'without',
  'neither',
  'yet-to',
  'failed',
])

const MONTH_WORDS = new Set(
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'.split(
    ' ',
  ),
)
const YEAR_CONTEXT = new Set([
  'in',
  'since',
  'from',
  'until',
  'to',
  'of',
  'and',
  'between',
  'by',
  'before',
  'after',
  'our',
  'the',
  'during',
])

/** A quantity in a sentence: a number, or a word standing for one ("all", "none", "this", "these"). */
export interface Quantity {
  /** A count; `all` for "all"/"both"; `one-ref`/`all-ref` for "this"/"it" and "these"/"they". */
  value: number | 'all' | 'one-ref' | 'all-ref'
  /** Token range [from, to). */
  from: number
  to: number
}

const REFERENCE_AFTER_OF = new Set(['which', 'these', 'them', 'those', 'the', 'this', 'whom'])

function isYear(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index] as Token
  if (!/^\d{4}$/.test(token.text)) return false
  const value = Number(token.text)
  if (value < 1900 || value > 2099) return false
  const previous = tokens[index - 1]?.lower
  const next = tokens[index + 1]?.lower
  return (
    previous === undefined ||
    MONTH_WORDS.has(previous) ||
    YEAR_CONTEXT.has(previous) ||
    (next !== undefined &&
      (MONTH_WORDS.has(next) || next === ',' || next === 'inspection' || next === 'report'))
  )
}

/** The sentence has a negation before `index` (in the same clause: no comma or semicolon between). */
export function negatedBefore(tokens: readonly Token[], index: number, reach = 12): boolean {
  for (let position = index - 1; position >= 0 && position >= index - reach; position--) {
    const word = (tokens[position] as Token).lower
    if (word === ';' || word === ',' || word === ':' || word === 'but' || word === 'although') return false
    if (NEGATIONS.has(word) || word.endsWith("n't")) return true
  }
  return false
}

/** Every quantity in the sentence, left to right. */
export function quantities(tokens: readonly Token[]): Quantity[] {
  const found: Quantity[] = []
  const words = tokens.map((token) => token.text)
  let index = 0
  while (index < tokens.length) {
    const token = tokens[index] as Token
    const word = token.lower
    let quantity: Quantity | null = null
    if (word === 'all' || word === 'both') quantity = { value: 'all', from: index, to: index + 1 }
    else if (word === 'none' || word === 'neither' || word === 'nil' || word === 'zero') {
      quantity = { value: 0, from: index, to: index + 1 }
    } else if (word === 'any' && negatedBefore(tokens, index))
      quantity = { value: 0, from: index, to: index + 1 }
    else if (word === 'this' || word === 'it') quantity = { value: 'one-ref', from: index, to: index + 1 }
    else if (word === 'these' || word === 'they' || word === 'those' || word === 'them') {
      quantity = { value: 'all-ref', from: index, to: index + 1 }
    } else if (/^\d/.test(token.text) && isYear(tokens, index)) quantity = null
    else if (
      /^\d/.test(token.text) &&
      tokens[index + 1]?.text === '.' &&
      /^\d/.test(tokens[index + 2]?.text ?? '')
    ) {
      quantity = null
    } else {
      const read = readNumberAt(words, index, true)
      if (read && !(word === 'no' && tokens[index + 1]?.lower === 'change')) {
        quantity = { value: read.value, from: index, to: index + read.length }
      }
    }
    if (!quantity) {
      index += 1
      continue
    }
    // "72 of which", "one of these", "all of them": the reference belongs to the quantity.
    if (tokens[quantity.to]?.lower === 'of' && REFERENCE_AFTER_OF.has(tokens[quantity.to + 1]?.lower ?? '')) {
      quantity.to += 2
    }
    found.push(quantity)
    index = quantity.to
  }
  return found
}

/** Singular and plural nouns. */
export function nouns(...singulars: string[]): Set<string> {
  const set = new Set<string>()
  for (const singular of singulars) {
    set.add(singular)
    set.add(singular.endsWith('y') ? `${singular.slice(0, -1)}ies` : `${singular}s`)
  }
  return set
}

const FUNCTION_WORDS = new Set(
  'of which and or were was have has had by to in the a an for from that this these with at on is are be been'.split(
    ' ',
  ),
)

export interface Counted {
  value: number
  quantity: Quantity
  /** Index of the noun. */
  noun: number
}

/** The first counted noun of a kind: "seven cases", "15 instances", "no applications", "any instances". */
export function countedNoun(
  tokens: readonly Token[],
  found: readonly Quantity[],
  kind: Set<string>,
): Counted | null {
  for (let index = 0; index < tokens.length; index++) {
    if (!kind.has((tokens[index] as Token).lower)) continue
    let best: Quantity | null = null
    for (const quantity of found) {
      if (quantity.to > index) break
      if (typeof quantity.value !== 'number') continue
      // At most two describing words between: "15 separate instances", "seven potentially inappropriate cases".
      const between = tokens.slice(quantity.to, index)
      if (between.length > 2) continue
      if (between.some((token) => FUNCTION_WORDS.has(token.lower) || !/^\p{L}/u.test(token.text))) continue
      if (between.some((token) => parseNumberToken(token.text) !== null)) continue
      best = quantity
    }
    if (best) return { value: best.value as number, quantity: best, noun: index }
  }
  return null
}

/** Where a phrase (one or more words) first occurs at or after `from`; -1 when it does not. */
export function findPhrase(tokens: readonly Token[], phrases: readonly string[][], from = 0): number {
  for (let index = from; index < tokens.length; index++) {
    for (const phrase of phrases) {
      if (phrase.every((word, offset) => tokens[index + offset]?.lower === word)) return index
    }
  }
  return -1
}

export const phrases = (...texts: string[]) => texts.map((text) => text.split(' '))

/**
 * The part of a whole a sentence states with a predicate: "72 of which have been approved",
 * "all of which were approved", "This was continuing", "One of these was continuing", "four were refused"
 * (a `negative` predicate: the part is the whole less it). Null when the sentence does not say.
 */
export function partOf(
  tokens: readonly Token[],
  found: readonly Quantity[],
  total: number,
  predicates: { positive: readonly string[][]; negative: readonly string[][] },
  exclude: Quantity | null = null,
): number | null {
  const positive = findPhrase(tokens, predicates.positive)
  const negative = findPhrase(tokens, predicates.negative)
  if (positive < 0 && negative < 0) return null
  const usePositive = positive >= 0 && (negative < 0 || positive < negative)
  const at = usePositive ? positive : negative
  const candidates = found.filter((quantity) => quantity !== exclude)
  let quantity: Quantity | undefined = [...candidates].reverse().find((candidate) => candidate.to <= at)
  // Too far before the predicate, or before the whole it is part of: look after it ("approved 72 of them").
  // "All 25 applications were approved", "none of the 12 investigations was still open": it qualifies the whole.
  const qualifiesWhole = exclude !== null && quantity?.to === exclude.from
  if (
    quantity &&
    !qualifiesWhole &&
    (at - quantity.to > 4 || (exclude && quantity.to <= exclude.from && at > exclude.to))
  ) {
    quantity = undefined
  }
  quantity ??= candidates.find((candidate) => candidate.from > at && candidate.from - at <= 3)
  let part: number | null = null
  if (!quantity) {
    // "which was approved" with no number: the whole of it.
    const which = tokens.slice(Math.max(0, at - 4), at).some((token) => token.lower === 'which')
    if (which) part = total
  } else if (quantity.value === 'all' || quantity.value === 'all-ref') part = total
  else if (quantity.value === 'one-ref') part = total === 1 ? 1 : null
  else part = quantity.value
  if (part === null) return null
  const negated = tokens
    .slice(Math.max(quantity ? quantity.to : 0, at - 3), at)
    .some((token) => token.lower === 'not' || token.lower.endsWith("n't") || token.lower === 'no')
  const result = usePositive !== negated ? part : total - part
  return result >= 0 && result <= total ? result : null
}

/** Splits a sentence into clauses at "but", "although", ";" and ", and". */
function clauses(tokens: readonly Token[]): Token[][] {
  const result: Token[][] = [[]]
  tokens.forEach((token, index) => {
    const next = tokens[index + 1]?.lower
    const boundary =
      token.lower === ';' ||
      ['but', 'although', 'though', 'however', 'whereas'].includes(token.lower) ||
      (token.lower === ',' && next === 'and') ||
      (token.lower === 'and' && ['has', 'have', 'it', 'is', 'did', 'does'].includes(next ?? ''))
    if (boundary) result.push([])
    else result.at(-1)?.push(token)
  })
  return result.filter((clause) => clause.length > 0)
}

/** True/false for a thing the force has done or not ("has conducted", "has not yet developed"), per clause. */
export function statedDone(tokens: readonly Token[], topic: RegExp): boolean | null {
  for (const clause of clauses(tokens)) {
    const text = clause
      .map((token) => token.lower)
      .join(' ')
      .replace(/ - /g, '-')
    const match = topic.exec(text)
    if (!match) continue
    // Only a negation before the thing counts: "has not conducted a health check", "no health check".
    const before = text.slice(0, match.index)
    const negated = /\b(?:not|never|yet to|still to|failed to|neither|nor)\b|n't\b|\bno (?:\S+ )?$/.test(
      before,
    )
    return !negated
  }
  return null
}

/** The change in the anti-corruption unit's staff a sentence states. */
export function staffChange(
  tokens: readonly Token[],
  found: readonly Quantity[],
  lower: string,
): number | null {
  if (
    /\bno change\b|\bunchanged\b|\b(?:remained|stayed|remains|is) (?:the same|stable|static|constant|level)\b|\bsame number\b/.test(
      lower,
    )
  ) {
    return 0
  }
  const up = findPhrase(
    tokens,
    phrases(
      'increased',
      'increase',
      'risen',
      'rose',
      'grown',
      'grew',
      'gone up',
      'gained',
      'went up',
      'more',
      'additional',
      'extra',
    ),
  )
  const down = findPhrase(
    tokens,
    phrases(
      'reduced',
      'reduction',
      'decreased',
      'decrease',
      'fallen',
      'fell',
      'dropped',
      'cut',
      'gone down',
      'went down',
      'fewer',
      'lost',
      'less',
    ),
  )
  if (up < 0 && down < 0) return null
  const sign = up >= 0 && (down < 0 || up < down) ? 1 : -1
  const at = sign > 0 ? up : down
  // "from 10 to 12"
  const from = findPhrase(tokens, phrases('from'), at)
  if (from >= 0) {
    const start = found.find((quantity) => quantity.from === from + 1 && typeof quantity.value === 'number')
    const to =
      start && found.find((quantity) => quantity.from === start.to + 1 && tokens[start.to]?.lower === 'to')
    if (start && to && typeof to.value === 'number') return (to.value as number) - (start.value as number)
  }
  // "increased by three", "by 12 posts", "an increase of two"
  const by = findPhrase(tokens, phrases('by', 'of'), at)
  if (by >= 0 && by - at <= 3) {
    const amount = found.find((quantity) => quantity.from === by + 1 && typeof quantity.value === 'number')
    if (amount) return sign * (amount.value as number)
  }
  // "three more members of staff", "two fewer posts"
  const before = [...found]
    .reverse()
    .find(
      (quantity) =>
        quantity.to === at &&
        typeof quantity.value === 'number' &&
        !['a', 'an'].includes(tokens[quantity.from]?.lower ?? ''),
    )
  if (before) return sign * (before.value as number)
  // "lost three posts", "gained two members of staff"
  const after = found.find((quantity) => quantity.from === at + 1 && typeof quantity.value === 'number')
  if (after && !['a', 'an'].includes(tokens[after.from]?.lower ?? '')) return sign * (after.value as number)
  return null
}
