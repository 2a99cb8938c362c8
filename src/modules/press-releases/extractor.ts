import {
  emptyFacts,
  type ForceReferenceList,
  type HeadlineJudgement,
  type OptionalStatement,
  orderedFacts,
  type PressReleaseFacts,
  type PressReleaseField,
} from '../../domain/press-release-facts.js'
import { NotAPressReleaseError, readDocument, type Sentence, type Span, textProblem } from './document.js'
import { findForce, namePattern } from './force-names.js'
import { findHmi } from './hmi.js'
import { findPeriod, type Period } from './periods.js'
import {
  countedNoun,
  nouns,
  partOf,
  phrases,
  quantities,
  staffChange,
  statedDone,
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
