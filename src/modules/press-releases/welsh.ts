import nunjucks from 'nunjucks'
import { capitalise } from '../../domain/number-words.js'
import type { PressReleaseFacts } from '../../domain/press-release-facts.js'
import { CATALOGUES, inLanguageOf, translate } from '../../web/i18n/catalogue.js'
import { type Source, sourced } from '../publication/sources.js'
import type { Period } from './periods.js'
import { IMPROVEMENTS } from './settings.js'

/**
 * A Welsh force's press release in Welsh (public bodies in Wales are expected to publish in Welsh): the
 * same facts as the English one, worded by the Welsh template with Welsh numbers, dates and plural
 * forms. Its words are in the catalogues (src/modules/press-releases/messages.cy.json), so each is
 * listed for review at /admin/translations like the interface's.
 */

/** The forces whose documents are published in Welsh as well as in English. */
export const WELSH_FORCES: readonly string[] = ['gwent', 'dyfed-powys', 'north-wales', 'south-wales']

export function hasWelshPressRelease(forceCode: string): boolean {
  return WELSH_FORCES.includes(forceCode)
}

/** The force's name in Welsh ("Heddlu Gwent"); the name as given for a force the catalogue does not name. */
export function welshForceName(code: string, name: string): string {
  const key = `press-releases.forceName.${code}`
  return CATALOGUES.cy[key] === undefined ? name : translate('cy', key)
}

/** The HMI's region in Welsh where the catalogue has it, else as recorded. */
export function welshRegion(region: string | null): string | null {
  if (!region) return null
  const key = `press-releases.region.${region}`
  return CATALOGUES.cy[key] === undefined ? region : translate('cy', key)
}

/** The headline judgement as the Welsh release words it ("wedi gwneud cynnydd da"). */
export function welshProgress(headline: string): string {
  return translate('cy', `press-releases.headline.${headline}`)
}

// ---------------------------------------------------------------------------------------------------
// Mutations: a Welsh word's first letter changes after some words ("i dri achos", "gan yr heddlu
// ddau gais"); the template marks where with a filter, so the catalogue's forms stay in their radical form.

const SOFT: [RegExp, string][] = [
  [/^ll/i, 'l'],
  [/^rh/i, 'r'],
  [/^(ch|ph|th)/i, '$1'],
  [/^p/i, 'b'],
  [/^t/i, 'd'],
  [/^c/i, 'g'],
  [/^b/i, 'f'],
  [/^d/i, 'dd'],
  [/^g/i, ''],
  [/^m/i, 'f'],
]

/** The soft mutation of a phrase's first word: "dau achos" → "ddau achos", "tri chais" → "dri chais". */
export function softMutation(phrase: string): string {
  for (const [pattern, replacement] of SOFT) {
    const match = pattern.exec(phrase)
    if (!match) continue
    const first = match[0]
    const replaced = first.replace(pattern, replacement)
    const cased = first[0] === first[0]?.toUpperCase() ? capitalise(replaced) : replaced
    return cased + phrase.slice(first.length)
  }
  return phrase
}

// ---------------------------------------------------------------------------------------------------
// Dates

const monthYear = new Intl.DateTimeFormat('cy-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })
const dayMonthYear = new Intl.DateTimeFormat('cy-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})

function wholeMonth(iso: string, end: boolean): boolean {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number]
  return end ? day === new Date(Date.UTC(year, month, 0)).getUTCDate() : day === 1
}

const dateOf = (iso: string) => new Date(`${iso}T00:00:00Z`)

/**
 * A data period in Welsh: "rhwng mis Medi 2011 a mis Mai 2012", "o 3 Medi 2011 hyd at ddiwedd mis Mai
 * 2012", "ers mis Medi 2011", "hyd at 15 Mai 2012" (the months from Intl's cy-GB).
 */
export function formatWelshPeriod(period: Period): string {
  const { from, to } = period
  const start = from && (wholeMonth(from, false) ? `mis ${monthYear.format(dateOf(from))}` : null)
  const end = to && (wholeMonth(to, true) ? `mis ${monthYear.format(dateOf(to))}` : null)
  // "hyd at" and "o" soften the next word: "hyd at ddiwedd mis Mai", "o fis Medi".
  const until = to && (end ? `hyd at ddiwedd ${end}` : `hyd at ${dayMonthYear.format(dateOf(to))}`)
  if (from && to) {
    if (start && end) return `rhwng ${start} a ${end}`
    return `o ${start ? softMutation(start) : dayMonthYear.format(dateOf(from))} ${until}`
  }
  if (from) return `ers ${start ?? dayMonthYear.format(dateOf(from))}`
  return until ?? ''
}

// ---------------------------------------------------------------------------------------------------
// The template's environment and what it is given

/**
 * The Welsh template's filters: `count(noun)` a counted noun from the catalogue's plural forms
 * (`press-releases.count.<noun>`: "un achos", "tri chais", "15 o achosion"), `soft` the soft mutation,
 * `period` a period in Welsh, `capitalise`, and `source` as the English template's.
 */
export function createWelshEnvironment(): nunjucks.Environment {
  const environment = new nunjucks.Environment(null, {
    autoescape: false,
    throwOnUndefined: false,
    trimBlocks: false,
    lstripBlocks: false,
  })
  environment.addFilter('count', (value: unknown, noun: unknown) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new Error(`the count filter needs a whole number, got ${JSON.stringify(value)}`)
    return translate('cy', `press-releases.count.${String(noun)}`, { count: value })
  })
  environment.addFilter('soft', (value: unknown) => softMutation(String(value ?? '')))
  environment.addFilter('period', (value: unknown) =>
    value && typeof value === 'object' ? formatWelshPeriod(value as Period) : '',
  )
  environment.addFilter('capitalise', (value: unknown) => capitalise(String(value ?? '')))
  environment.addFilter('source', (text: unknown, source: unknown) =>
    sourced(String(text ?? ''), source as Source | undefined),
  )
  return environment
}

/** English the inspectorate's settings hold, in Welsh where the catalogue has it (the defaults do). */
export function inWelsh(english: readonly string[]): string[] {
  return english.map((text) => inLanguageOf('cy', text))
}

/** The HM Inspector's quote in Welsh: the judgement, the main area for improvement, the national finding. */
export function welshQuoteFor(
  facts: PressReleaseFacts,
  subject: string,
  nationalFinding: readonly string[],
): string[] {
  if (!facts.headline) return []
  const judgement = translate('cy', 'press-releases.quote.judgement', {
    subject,
    progress: welshProgress(facts.headline),
  })
  const improvement = IMPROVEMENTS.find(([field]) => facts[field] === false)
  const first = improvement
    ? `${judgement} ${translate('cy', `press-releases.improvement.${improvement[0]}`)}`
    : judgement
  return [first, ...inWelsh(nationalFinding)]
}
