import {
  emptyFacts,
  type ForceNaming,
  type ForceReferenceList,
  type HeadlineJudgement,
  type OptionalStatement,
  orderedFacts,
  type PressReleaseFacts,
  type PressReleaseField,
} from '../../domain/press-release-facts.js'
import { NotAPressReleaseError, readDocument, type Sentence, type Span, textProblem } from './document.js'
import { findPeriod, type Period } from './periods.js'
import {
  countedNoun,
  findPhrase,
  nouns,
  partOf,
  phrases,
  type Quantity,
  quantities,
  type Token,
  tokenise,
} from './sentences.js'

/**
 * Reads the facts a force's press release states (issue #9). Works on the text of any document of the
 * family — plain text, Markdown, HTML, or text extracted from a PDF — with patterns over sentences:
 * each fact has a recogniser that looks for its topic, then reads the numbers and negations around it.
 */

export interface SourceSentence extends Span {
  text: string
}

export interface ExtractedPressRelease {
  facts: PressReleaseFacts
  /** For each fact stated, the sentences it was read from (offsets in the text given). */
  sources: Partial<Record<PressReleaseField, SourceSentence[]>>
  /** Sentences of the body that speak of a fact's topic, or give a count, but gave no fact. */
  uninterpreted: string[]
}

type Topic =
  | 'media'
  | 'social'
  | 'jobs'
  | 'acu'
  | 'health'
  | 'plan'
  | 'policy'
  | 'hmi'
  | 'headline'
  | 'period'

const MEDIA_NOUNS = nouns(
  'instance',
  'case',
  'investigation',
  'incident',
  'allegation',
  'matter',
  'disclosure',
  'leak',
)
const SOCIAL_NOUNS = nouns('case', 'instance', 'example', 'incident', 'post', 'account', 'matter')
const JOB_NOUNS = nouns('application', 'request')

const CONTINUING = {
  positive: phrases(
    'continuing',
    'ongoing',
    'on-going',
    'open',
    'live',
    'outstanding',
    'unresolved',
    'under investigation',
    'being investigated',
    'not concluded',
    'not yet concluded',
    'not finalised',
  ),
  negative: phrases('closed', 'concluded', 'finalised', 'finished', 'completed', 'resolved', 'no longer'),
}
const APPROVED = {
  positive: phrases(
    'approved',
    'granted',
    'authorised',
    'authorized',
    'agreed',
    'accepted',
    'allowed',
    'permitted',
  ),
  negative: phrases('refused', 'rejected', 'declined', 'turned down', 'denied'),
}

const HEADLINE =
  /\b(?:has|have|had|is|was)?\s*(?:made|makes|making|shown|shows|showed|achieved|achieves)\s+(good progress|some improvements?|improvements?|limited progress|little progress)\b/i

function judgement(phrase: string): HeadlineJudgement {
  const lower = phrase.toLowerCase()
  if (lower.startsWith('good')) return 'good progress'
  if (lower.startsWith('some')) return 'some improvements'
  if (lower.startsWith('improvement')) return 'improvements'
  return 'limited progress'
}

const TITLE =
  "(?:(?:Her|His)\\s+Majesty's\\s+|HM\\s+|HMI\\s+)?(?:Chief\\s+)?Inspector\\s+of\\s+Constabulary|\\bHMI\\b|\\bHMCIC\\b"
const NAME_WORD = "\\p{Lu}[\\p{L}'-]*"
const NAME = `(?:(?:Sir|Dame|Dr|Mr|Mrs|Ms|Miss|Professor|Lord|Lady)\\s+)?${NAME_WORD}(?:\\s+${NAME_WORD}){1,4}`
const REGION = '(?:for|of)\\s+(?:the\\s+)?(?<region>[^,.:;]*?\\b(?:[Rr]egion|[Tt]eam)\\b|[^,.:;]+?(?=\\s*,))'
const HMI_TITLE_FIRST = new RegExp(
  `(?:${TITLE})(?:\\s+${REGION})?\\s*,?\\s+(?<name>${NAME})(?=\\s*(?:,|:|\\.|$|\\s(?:said|says|commented|added|stated|led|who)\\b))`,
  'u',
)
const HMI_NAME_FIRST = new RegExp(
  `(?<name>${NAME})\\s*,\\s*(?:${TITLE})(?:\\s+${REGION})?\\s*(?:,|\\.|:|$|\\s+(?:said|says|commented|added))`,
  'u',
)
const HMI_NO_NAME = new RegExp(`(?:${TITLE})\\s+${REGION}`, 'u')

/** "Roger Baker QPM" → "Roger Baker": letters after the name (honours) are not part of it. */
function cleanName(name: string): string {
  const words = name.trim().split(/\s+/)
  while (words.length > 2 && /^[A-Z]{2,5}$/.test(words.at(-1) as string)) words.pop()
  return words.join(' ')
}

interface HmiFound {
  hmi: string | null
  region: string | null
}

function findHmi(sentence: string): HmiFound | null {
  for (const pattern of [HMI_TITLE_FIRST, HMI_NAME_FIRST]) {
    const match = pattern.exec(sentence)
    if (match?.groups?.name) {
      const name = cleanName(match.groups.name)
      // "The inspection was led by Roger Baker": the name must not start with a sentence word.
      if (/^(The|This|It|In|HMIC|He|She)\s/.test(name)) continue
      return { hmi: name, region: match.groups.region?.trim() || null }
    }
  }
  const region = HMI_NO_NAME.exec(sentence)
  if (region?.groups?.region) return { hmi: null, region: region.groups.region.trim() }
  return null
}

/** A force's name as a pattern: any case, "-" or spaces between words, with or without "the". */
function namePattern(name: string): RegExp {
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
function findForce(sentences: readonly Sentence[], forces: ForceReferenceList): ForceNaming | null {
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
function statedDone(tokens: readonly Token[], topic: RegExp): boolean | null {
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

const HEALTH_CHECK = /health\s*-?\s*check|self\s*-?\s*assess/
const POLICIES = /\bpolic(?:y|ies)\b/
const REVIEWED = /\breview/
const STAFF_TOLD =
  /\bstaff\b.*\b(?:know|knows|told|informed|aware|read and understood)\b|\b(?:let|tell|inform)\w* (?:its )?staff\b/
const MORE_NEEDED = /\bmore (?:needs|need|has|have) to be done\b|\bneeds? to do more\b|\bnot enough\b/
const MEDIA_POLICY = /\bmedia polic(?:y|ies)\b|\bpolic(?:y|ies) on (?:relationships with )?the media\b/
const NATIONAL_GUIDANCE = /\bline with national guidance\b/
const INFORMATION_SECURITY = /\binformation security\b/
const CHECKS = /\bcheck/
const SOCIAL_GUIDANCE = /\bpolic(?:y|ies)\b|\bguidance\b/
const PRODUCED = /\b(?:produc|provid|issu|publish|develop|introduc|giv|gave|written|wrote|drawn up|drew up)/
const COUNTER_PLAN = /(?:counter|anti)\s*-?\s*corruption (?:plan|strategy)/
const ACU = /(?:anti|counter)\s*-?\s*corruption unit|\bacu\b/
const MEDIA_TOPIC = /disclos|leak/
const MEDIA_WORDS = /\bmedia\b|\bpress\b|journalist/
const SOCIAL_TOPIC = /social (?:media|network)|facebook|twitter|instagram|online behaviour/
const SOCIAL_FOUND = /research|referred|refer\b|identified|found|passed|highlighted/
const JOBS_TOPIC =
  /second(?:ary)? jobs?|business interests?|secondary employment|outside (?:employment|interests|work)|additional employment/

/** The change in the anti-corruption unit's staff a sentence states. */
function staffChange(tokens: readonly Token[], found: readonly Quantity[], lower: string): number | null {
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

type PolicyStatement = Exclude<OptionalStatement, 'counterCorruptionPlan'>

interface Reading {
  facts: PressReleaseFacts
  sources: Partial<Record<PressReleaseField, SourceSentence[]>>
  used: Set<Sentence>
  conflicts: Set<Sentence>
}

function source(sentence: Sentence): SourceSentence {
  return { start: sentence.start, end: sentence.end, text: sentence.text }
}

function record(reading: Reading, field: PressReleaseField, sentence: Sentence) {
  const list = reading.sources[field] ?? []
  reading.sources[field] = list
  if (!list.some((entry) => entry.start === sentence.start)) list.push(source(sentence))
  reading.used.add(sentence)
}

/** Sets a fact unless an earlier sentence stated it; a later sentence that disagrees is a conflict. */
function state<Field extends PressReleaseField>(
  reading: Reading,
  field: Field,
  value: NonNullable<PressReleaseFacts[Field]>,
  sentence: Sentence,
) {
  const current = reading.facts[field]
  if (current === null || current === undefined) {
    reading.facts[field] = value
    record(reading, field, sentence)
  } else if (JSON.stringify(current) === JSON.stringify(value)) {
    record(reading, field, sentence)
  } else {
    reading.conflicts.add(sentence)
  }
}

/** Reads the facts of a press release; throws NotAPressReleaseError when the text is not one. */
export function extractPressRelease(text: string, forces: ForceReferenceList): ExtractedPressRelease {
  const problem = textProblem(text)
  if (problem) throw new NotAPressReleaseError(`This is not a press release: ${problem}.`)
  const document = readDocument(text)
  const force = findForce(document.sentences, forces)
  if (!force) {
    throw new NotAPressReleaseError(
      'This does not look like a force press release: it names no force of the reference list.',
    )
  }
  const reading: Reading = { facts: emptyFacts(force), sources: {}, used: new Set(), conflicts: new Set() }
  const body = document.sentences.filter((sentence) => !sentence.notes)
  const firstBlock = body[0]?.block
  const forcePattern = namePattern(force.name)

  // The headline judgement: the title decides; else a sentence with the force as its subject.
  for (const sentence of body) {
    const match = HEADLINE.exec(sentence.text)
    if (!match) continue
    const inTitle = sentence.block === firstBlock
    forcePattern.lastIndex = 0
    const aboutForce = forcePattern.test(sentence.text.slice(0, match.index))
    if (inTitle || aboutForce) {
      state(reading, 'headline', judgement(match[1] as string), sentence)
      break
    }
  }

  const periods: { period: Period; sentence: Sentence }[] = []
  let lastTopic: { topic: Topic; sentence: Sentence } | null = null
  const counting = new Set<Sentence>()
  const acuOrMedia = new Set<Sentence>()

  for (const sentence of body) {
    const lower = sentence.text.toLowerCase()
    const tokens = tokenise(sentence.text)
    const found = quantities(tokens)
    const topics: Topic[] = []

    const hmi = findHmi(sentence.text)
    if (hmi) {
      if (hmi.hmi) state(reading, 'hmi', hmi.hmi, sentence)
      if (hmi.region) state(reading, 'hmiRegion', hmi.region, sentence)
      topics.push('hmi')
    }

    if (HEALTH_CHECK.test(lower) && !/\bforces\b/.test(lower)) {
      const done = statedDone(tokens, HEALTH_CHECK)
      if (done !== null) {
        state(reading, 'integrityHealthCheck', done, sentence)
        topics.push('health')
      }
    }
    if (COUNTER_PLAN.test(lower)) {
      const done = statedDone(tokens, COUNTER_PLAN)
      if (done !== null) {
        state(reading, 'counterCorruptionPlan', done, sentence)
        topics.push('plan')
      }
    }

    // The force's policies; a sentence about forces in general (the 2011 report's concerns) is not about it.
    if (!/\bforces\b/.test(lower)) {
      const policyFacts: [PolicyStatement, boolean | null][] = []
      if (POLICIES.test(lower) && REVIEWED.test(lower)) {
        policyFacts.push(['policiesReviewed', statedDone(tokens, REVIEWED)])
      }
      if (STAFF_TOLD.test(lower) && /\bpolic|\bchange/.test(lower)) {
        policyFacts.push([
          'staffToldOfPolicyChanges',
          !MORE_NEEDED.test(lower) && !/\bnot\b|n't\b/.test(lower),
        ])
      }
      if (MEDIA_POLICY.test(lower) && NATIONAL_GUIDANCE.test(lower)) {
        policyFacts.push(['mediaPolicyInLineWithGuidance', statedDone(tokens, NATIONAL_GUIDANCE)])
      }
      if (INFORMATION_SECURITY.test(lower) && CHECKS.test(lower)) {
        policyFacts.push(['informationSecurityChecks', statedDone(tokens, CHECKS)])
      }
      if (SOCIAL_TOPIC.test(lower) && SOCIAL_GUIDANCE.test(lower) && PRODUCED.test(lower)) {
        policyFacts.push(['socialMediaPolicy', statedDone(tokens, PRODUCED)])
      }
      for (const [field, value] of policyFacts) {
        if (value === null) continue
        state(reading, field, value, sentence)
        topics.push('policy')
      }
    }

    if (MEDIA_TOPIC.test(lower) && MEDIA_WORDS.test(lower) && /investigat/.test(lower)) {
      acuOrMedia.add(sentence)
      const counted = countedNoun(tokens, found, MEDIA_NOUNS)
      if (counted) {
        const continuing =
          counted.value === 0 ? 0 : partOf(tokens, found, counted.value, CONTINUING, counted.quantity)
        state(reading, 'mediaDisclosureInvestigations', { total: counted.value, continuing }, sentence)
        topics.push('media')
      }
    }

    if (SOCIAL_TOPIC.test(lower) && SOCIAL_FOUND.test(lower)) {
      counting.add(sentence)
      const counted = countedNoun(tokens, found, SOCIAL_NOUNS)
      if (counted) {
        state(reading, 'socialMediaCasesReferred', counted.value, sentence)
        topics.push('social')
      }
    }

    if (JOBS_TOPIC.test(lower)) {
      counting.add(sentence)
      const counted = countedNoun(tokens, found, JOB_NOUNS)
      if (counted) {
        const approved =
          counted.value === 0 ? 0 : partOf(tokens, found, counted.value, APPROVED, counted.quantity)
        state(reading, 'secondJobApplications', { applications: counted.value, approved }, sentence)
        topics.push('jobs')
      }
    }

    if (ACU.test(lower)) {
      acuOrMedia.add(sentence)
      const change = staffChange(tokens, found, lower)
      if (change !== null) {
        state(reading, 'antiCorruptionUnitStaffChange', change, sentence)
        topics.push('acu')
      }
    }

    // A sentence that follows up the one before: "This was continuing", "One of these was continuing",
    // "All of them were approved".
    if (topics.length === 0 && lastTopic && lastTopic.sentence.block === sentence.block) {
      const media = reading.facts.mediaDisclosureInvestigations
      const jobs = reading.facts.secondJobApplications
      if (lastTopic.topic === 'media' && media && media.continuing === null) {
        const continuing = partOf(tokens, found, media.total, CONTINUING)
        if (continuing !== null) {
          media.continuing = continuing
          record(reading, 'mediaDisclosureInvestigations', sentence)
          topics.push('media')
        }
      } else if (lastTopic.topic === 'jobs' && jobs && jobs.approved === null) {
        const approved = partOf(tokens, found, jobs.applications, APPROVED)
        if (approved !== null) {
          jobs.approved = approved
          record(reading, 'secondJobApplications', sentence)
          topics.push('jobs')
        }
      } else if (lastTopic.topic === 'social' && /\breferred\b|\bpassed\b/.test(lower)) {
        record(reading, 'socialMediaCasesReferred', sentence)
        topics.push('social')
      }
    }

    // The data period: from a sentence stating a figure, or one about the figures themselves.
    const factual = topics.some((topic) => ['media', 'social', 'jobs', 'acu'].includes(topic))
    if (factual || /\b(?:period|figures|data)\b/.test(lower)) {
      const period = findPeriod(sentence.text)
      if (period) {
        periods.push({ period: period.period, sentence })
        reading.used.add(sentence)
      }
    }

    const lastFact = topics.filter((topic) => topic !== 'hmi').at(-1)
    if (lastFact) lastTopic = { topic: lastFact, sentence }
    else if (lastTopic && lastTopic.sentence.block !== sentence.block) lastTopic = null
  }

  // The first full period wins; otherwise the first open-ended one.
  const period = periods.find((entry) => entry.period.from && entry.period.to) ?? periods[0]
  if (period) {
    reading.facts.period = period.period
    for (const entry of periods) {
      const same = entry.period.from === period.period.from || entry.period.to === period.period.to
      if (same) record(reading, 'period', entry.sentence)
      else reading.conflicts.add(entry.sentence)
    }
  }

  const stated = Object.keys(reading.sources).filter((field) => field !== 'period').length
  if (!reading.facts.headline && stated < 2) {
    throw new NotAPressReleaseError(
      `This does not look like a force press release: it names ${force.name} but states no headline judgement ` +
        'and none of the figures of one.',
    )
  }

  const uninterpreted = body
    .filter((sentence) => {
      if (reading.conflicts.has(sentence)) return true
      if (reading.used.has(sentence)) return false
      // A sentence about a figure's topic that gives a number (not a year) but no figure was read from it.
      // Unit staffing and disclosure investigations are always figures: a sentence about them not read is reported.
      if (acuOrMedia.has(sentence)) return true
      if (counting.has(sentence)) {
        return quantities(tokenise(sentence.text)).some((quantity) => typeof quantity.value === 'number')
      }
      const lower = sentence.text.toLowerCase()
      return (
        HEALTH_CHECK.test(lower) ||
        COUNTER_PLAN.test(lower) ||
        (sentence.bullet &&
          quantities(tokenise(sentence.text)).some(
            (quantity) => typeof quantity.value === 'number' && quantity.value > 1,
          ))
      )
    })
    .map((sentence) => sentence.text)

  return { facts: orderedFacts(reading.facts), sources: reading.sources, uninterpreted }
}
