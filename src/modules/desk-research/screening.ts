import type { CategoryConfig, ForceAlias, MatchedCategory } from '../../domain/desk-research.js'
import {
  highlight,
  MultiPatternMatcher,
  type Normalised,
  normaliseUnits,
  type Segment,
} from '../../domain/multi-pattern.js'

export interface Screening {
  score: number
  /** The highest-scoring category (ties go to the one listed first). */
  category: string
  matches: MatchedCategory[]
}

interface TermTag {
  category: number
  weight: number
}

/**
 * Screens posts against categories of weighted terms in one pass each. A category's score is the sum of
 * the weights of the distinct terms found; a post's score is the sum over categories; at or above the
 * threshold the post is flagged.
 */
export class Screener {
  readonly matcher: MultiPatternMatcher<TermTag>
  private readonly buffer: Normalised = { units: new Uint16Array(4096), length: 0 }
  private readonly seen: Int32Array
  private generation = 0

  constructor(
    readonly categories: readonly CategoryConfig[],
    readonly threshold: number,
  ) {
    this.matcher = new MultiPatternMatcher(
      categories.flatMap((category, index) =>
        category.terms.map((term) => ({ text: term.term, tag: { category: index, weight: term.weight } })),
      ),
    )
    this.seen = new Int32Array(this.matcher.patterns.length)
  }

  /** The post's screening when it is flagged, else null. */
  screen(text: string): Screening | null {
    const normalised = normaliseUnits(text, false, this.buffer)
    if (normalised !== this.buffer) Object.assign(this.buffer, normalised)
    const generation = ++this.generation
    let spans: { pattern: number; tag: TermTag; start: number; end: number }[] | undefined
    this.matcher.scanUnits(normalised, ({ pattern, tag, start, end }) => {
      if (!spans) spans = []
      spans.push({ pattern, tag, start, end })
    })
    if (!spans) return null
    // The most specific term counts: a match inside a longer one ("scum*" in "scumbag*", "state" in
    // "police state") is not counted again. Each term counts once however often it appears.
    spans.sort((a, b) => a.start - b.start || b.end - a.end)
    let found: { pattern: number; tag: TermTag }[] | undefined
    let coveredTo = -1
    for (const span of spans) {
      if (span.end <= coveredTo) continue
      coveredTo = span.end
      if (this.seen[span.pattern] === generation) continue
      this.seen[span.pattern] = generation
      if (!found) found = []
      found.push(span)
    }
    if (!found) return null
    let score = 0
    for (const term of found) score += term.tag.weight
    if (score < this.threshold) return null
    const byCategory = new Map<number, MatchedCategory>()
    for (const { pattern, tag } of found) {
      const code = this.categories[tag.category]?.code as string
      const entry = byCategory.get(tag.category) ?? { category: code, score: 0, terms: [] }
      entry.score += tag.weight
      entry.terms.push(this.matcher.patterns[pattern]?.text as string)
      byCategory.set(tag.category, entry)
    }
    const matches = [...byCategory.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
    return { score, category: matches[0]?.[1].category as string, matches: matches.map(([, m]) => m) }
  }

  /** The post's text in pieces, the matched words marked. */
  highlight(text: string): Segment[] {
    return highlight(text, this.matcher)
  }
}

export interface AttributableForce {
  id: number
  code: string
  name: string
}

export interface Attribution {
  forceId: number | null
  candidates: number[]
}

const SUFFIX = /\s+(police( service)?|constabulary)$/i

/**
 * Attributes a profile to a force from its handle, display name and profile text: force names, codes
 * ("greater-manchester" read as "greater manchester"), names without "Police"/"Constabulary", and
 * aliases. Text is matched as whole words; a handle, which runs words together (@GMPolice), is
 * matched anywhere in it, for names of four letters or more and for aliases.
 */
export class Attributor {
  private readonly words: MultiPatternMatcher<number>
  private readonly handles: MultiPatternMatcher<number>

  constructor(forces: readonly AttributableForce[], aliases: readonly ForceAlias[]) {
    const byCode = new Map(forces.map((force) => [force.code, force.id]))
    const names: { text: string; tag: number }[] = []
    for (const force of forces) {
      names.push({ text: force.name, tag: force.id })
      names.push({ text: force.name.replace(SUFFIX, ''), tag: force.id })
      names.push({ text: force.code.replace(/-/g, ' '), tag: force.id })
    }
    const aliasNames: { text: string; tag: number }[] = []
    for (const alias of aliases) {
      const id = byCode.get(alias.force)
      if (id !== undefined) aliasNames.push({ text: alias.alias, tag: id })
    }
    this.words = new MultiPatternMatcher([...names, ...aliasNames])
    const compact = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, '')
    this.handles = new MultiPatternMatcher(
      [
        ...names.filter((n) => compact(n.text).length >= 4),
        ...aliasNames.filter((n) => compact(n.text).length >= 3),
      ].map((n) => ({ text: compact(n.text), tag: n.tag })),
      { wholeWords: false },
    )
  }

  attribute(profile: {
    handle: string
    displayName?: string | null
    profileText?: string | null
  }): Attribution {
    const found = new Set<number>()
    for (const match of this.words.matches(`${profile.displayName ?? ''} \n ${profile.profileText ?? ''}`))
      found.add(match.tag)
    for (const match of this.handles.matches(profile.handle.replace(/[^\p{L}\p{N}]+/gu, '')))
      found.add(match.tag)
    const candidates = [...found].sort((a, b) => a - b)
    return { forceId: candidates.length === 1 ? (candidates[0] as number) : null, candidates }
  }
}
