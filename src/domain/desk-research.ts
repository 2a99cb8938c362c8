/** Desk research of public social media: categories, terms and force aliases (types and defaults). */

/** A term to look for: words, matched whole; a trailing `*` also matches longer words (`idiot*`). */
export interface TermConfig {
  term: string
  weight: number
}

export interface CategoryConfig {
  code: string
  label: string
  terms: TermConfig[]
}

/** A name that points at a force, e.g. "GMP" → greater-manchester. */
export interface ForceAlias {
  alias: string
  force: string
}

export interface MatchedCategory {
  category: string
  score: number
  terms: string[]
}

/**
 * The categories the 2012 research used, with terms and weights to start from. An exercise may replace
 * them with its own (a JSON file of the same shape). Weights: 3 flags a post on its own at the default
 * threshold; 1 or 2 needs another term beside it.
 */
export const DEFAULT_CATEGORIES: CategoryConfig[] = [
  {
    code: 'offensive',
    label: 'Offensive or discriminatory language',
    terms: [
      { term: 'scum*', weight: 3 },
      { term: 'scumbag*', weight: 3 },
      { term: 'pikey*', weight: 4 },
      { term: 'chav*', weight: 2 },
      { term: 'retard*', weight: 4 },
      { term: 'tart', weight: 2 },
      { term: 'slag*', weight: 3 },
      { term: 'idiot*', weight: 1 },
      { term: 'moron*', weight: 2 },
      { term: 'bastard*', weight: 2 },
      { term: 'wanker*', weight: 3 },
      { term: 'ass', weight: 1 },
      { term: 'arse', weight: 1 },
      { term: 'lowlife', weight: 2 },
      { term: 'vermin', weight: 3 },
      { term: 'gypo*', weight: 4 },
      { term: 'queer', weight: 2 },
    ],
  },
  {
    code: 'operational',
    label: 'Comments on operational matters or procedure',
    terms: [
      { term: 'on duty', weight: 1 },
      { term: 'on shift', weight: 1 },
      { term: 'night shift', weight: 1 },
      { term: 'custody', weight: 1 },
      { term: 'raid', weight: 2 },
      { term: 'warrant', weight: 1 },
      { term: 'arrested', weight: 1 },
      { term: 'locked up', weight: 2 },
      { term: 'tasered', weight: 2 },
      { term: 'pursuit', weight: 2 },
      { term: 'sus', weight: 1 },
      { term: 'stop and search', weight: 2 },
      { term: 'the job', weight: 1 },
    ],
  },
  {
    code: 'disclosure',
    label: 'Disclosure of information',
    terms: [
      { term: 'pnc', weight: 3 },
      { term: 'checked him on', weight: 3 },
      { term: 'ran a check', weight: 3 },
      { term: 'his address', weight: 2 },
      { term: 'her address', weight: 2 },
      { term: 'victim', weight: 1 },
      { term: 'suspect', weight: 1 },
      { term: 'dont tell anyone', weight: 2 },
      { term: "don't tell anyone", weight: 2 },
      { term: 'off the record', weight: 3 },
      { term: 'confidential', weight: 2 },
      { term: 'name and shame', weight: 2 },
    ],
  },
  {
    code: 'negativity',
    label: 'Negativity about work',
    terms: [
      { term: 'hate this job', weight: 3 },
      { term: 'hate my job', weight: 3 },
      { term: 'sick of this job', weight: 3 },
      { term: 'bosses', weight: 1 },
      { term: 'useless', weight: 1 },
      { term: 'sergeant', weight: 1 },
      { term: 'inspector', weight: 1 },
      { term: 'skiving', weight: 2 },
      { term: 'pulling a sickie', weight: 3 },
      { term: 'pay cut', weight: 1 },
    ],
  },
  {
    code: 'political',
    label: 'Political or extreme opinions',
    terms: [
      { term: 'send them all back', weight: 4 },
      { term: 'string them up', weight: 3 },
      { term: 'bring back hanging', weight: 3 },
      { term: 'immigrants', weight: 1 },
      { term: 'edl', weight: 3 },
      { term: 'bnp', weight: 3 },
      { term: 'vote', weight: 1 },
      { term: 'tories', weight: 1 },
      { term: 'strike', weight: 1 },
    ],
  },
]

export const DEFAULT_THRESHOLD = 3

/** Names the force reference does not hold; an exercise adds its own. */
export const DEFAULT_ALIASES: ForceAlias[] = [
  { alias: 'GMP', force: 'greater-manchester' },
  { alias: 'Manchester Police', force: 'greater-manchester' },
  { alias: 'the Met', force: 'metropolitan' },
  { alias: 'Met Police', force: 'metropolitan' },
  { alias: 'Scotland Yard', force: 'metropolitan' },
  { alias: 'BTP', force: 'british-transport' },
  { alias: 'TVP', force: 'thames-valley' },
  { alias: 'WMP', force: 'west-midlands' },
  { alias: 'WYP', force: 'west-yorkshire' },
  { alias: 'SYP', force: 'south-yorkshire' },
  { alias: 'NYP', force: 'north-yorkshire' },
  { alias: 'Avon & Somerset', force: 'avon-and-somerset' },
  { alias: 'Devon & Cornwall', force: 'devon-and-cornwall' },
  { alias: 'Dyfed Powys', force: 'dyfed-powys' },
  { alias: 'City of London', force: 'city-of-london' },
  { alias: 'Northants Police', force: 'northamptonshire' },
  { alias: 'Herts Police', force: 'hertfordshire' },
  { alias: 'Notts Police', force: 'nottinghamshire' },
]

/** The platforms the summary names; anything else is counted as given. */
export const PLATFORMS = ['twitter', 'facebook', 'instagram', 'youtube', 'linkedin', 'other'] as const

/** Checks an exercise's categories file: codes, labels and terms with whole-number weights from 1 to 10. */
export function checkCategories(value: unknown): CategoryConfig[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('the categories must be a non-empty list')
  const codes = new Set<string>()
  return value.map((entry, index) => {
    const category = entry as Partial<CategoryConfig>
    const where = `category ${index + 1}`
    if (typeof category.code !== 'string' || !/^[a-z0-9-]{1,40}$/.test(category.code))
      throw new Error(`${where}: the code must be 1 to 40 lower-case letters, digits or hyphens`)
    if (codes.has(category.code)) throw new Error(`${where}: the code ${category.code} is used twice`)
    codes.add(category.code)
    if (typeof category.label !== 'string' || !category.label.trim())
      throw new Error(`${where}: enter a label`)
    if (!Array.isArray(category.terms) || category.terms.length === 0)
      throw new Error(`${where}: list at least one term`)
    const terms = category.terms.map((term, termIndex) => {
      const t = term as Partial<TermConfig>
      if (typeof t.term !== 'string' || !t.term.trim() || t.term.length > 200)
        throw new Error(`${where}, term ${termIndex + 1}: enter the words, 200 characters or fewer`)
      if (!Number.isInteger(t.weight) || (t.weight as number) < 1 || (t.weight as number) > 10)
        throw new Error(`${where}, term ${termIndex + 1}: the weight must be a whole number from 1 to 10`)
      return { term: t.term.trim(), weight: t.weight as number }
    })
    return { code: category.code, label: category.label.trim(), terms }
  })
}
