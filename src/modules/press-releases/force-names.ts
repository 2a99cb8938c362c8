import type { ForceNaming, ForceReferenceList } from '../../domain/press-release-facts.js'
import type { Sentence } from './document.js'

/** Which force a press release is about: the forces' names as patterns over its sentences. */

/** A force's name as a pattern: any case, "-" or spaces between words, with or without "the". */
export function namePattern(name: string): RegExp {
  const words = name
    .replace(/^the\s+/i, '')
    .split(/[\s-]+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`\\b${words.join('[\\s-]+')}\\b`, 'gi')
}

const FORCE_SUFFIX = /\s+(?:Police Service|Constabulary|Police)$/

interface ForceMatcher {
  force: ForceNaming
  full: RegExp
  short: RegExp | null
}

const matchersByList = new WeakMap<ForceReferenceList, ForceMatcher[]>()

function forceMatchers(forces: ForceReferenceList): ForceMatcher[] {
  let matchers = matchersByList.get(forces)
  if (!matchers) {
    matchers = buildForceMatchers(forces)
    matchersByList.set(forces, matchers)
  }
  return matchers
}

function buildForceMatchers(forces: ForceReferenceList): ForceMatcher[] {
  const shortNames = new Map<string, number>()
  for (const force of forces) {
    const short = force.name.replace(FORCE_SUFFIX, '')
    shortNames.set(short, (shortNames.get(short) ?? 0) + 1)
  }
  return forces.map((force) => {
    const short = force.name.replace(FORCE_SUFFIX, '')
    const usable = short !== force.name && shortNames.get(short) === 1
    return { force, full: namePattern(force.name), short: usable ? namePattern(short) : null }
  })
}

/** The force the document is about: named in the title, else named most often (full names before short). */
export function findForce(sentences: readonly Sentence[], forces: ForceReferenceList): ForceNaming | null {
  const matchers = forceMatchers(forces)
  const body = sentences.filter((sentence) => !sentence.notes)
  const firstBlock = body[0]?.block
  for (const kind of ['full', 'short'] as const) {
    const counts = new Map<ForceMatcher, { count: number; first: number; inTitle: boolean }>()
    body.forEach((sentence, index) => {
      for (const matcher of matchers) {
        const pattern = matcher[kind]
        if (!pattern) continue
        const hits = sentence.text.match(pattern)?.length ?? 0
        if (!hits) continue
        const entry = counts.get(matcher) ?? { count: 0, first: index, inTitle: false }
        entry.count += hits
        entry.inTitle ||= sentence.block === firstBlock
        counts.set(matcher, entry)
      }
    })
    // Longer names first when one contains another ("West Midlands Police" inside a sentence naming it).
    const ranked = [...counts].sort(
      ([a, x], [b, y]) =>
        Number(y.inTitle) - Number(x.inTitle) ||
        y.count - x.count ||
        x.first - y.first ||
        b.force.name.length - a.force.name.length,
    )
    if (ranked[0]) return ranked[0][0].force
  }
  return null
}
