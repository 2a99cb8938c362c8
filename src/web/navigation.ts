import type { Principal } from '../domain/access.js'
import type { Role } from '../domain/roles.js'

/**
 * Where each role works: the one table the header (GOV.UK service navigation) and the home page are
 * both drawn from. A module that adds a working area adds it to `AREAS` and to the roles that use it.
 */

/** A working area: where its link goes, which paths belong to it, and what the home page says of it. */
interface Area {
  text: string
  href: string
  /** Path prefixes that belong to the area (its `href` when absent); the longest match marks it current. */
  paths?: string[]
  hint: string
}

const AREAS = {
  forces: { text: 'Forces', href: '/forces', hint: 'the 44 forces, their regions and HM Inspectors' },
  publications: {
    text: 'Publications',
    href: '/publications',
    hint: 'reports, press releases, the national review and open data',
  },
  api: { text: 'API', href: '/api/docs', paths: ['/api'], hint: 'the JSON API and its documentation' },

  ownSecondJobs: {
    text: 'Your second jobs',
    href: '/business-interests/mine',
    paths: ['/business-interests/mine', '/business-interests/apply'],
    hint: 'apply for a second job and follow your applications',
  },
  ownGifts: {
    text: 'Your declarations',
    href: '/gifts-hospitality/mine',
    paths: ['/gifts-hospitality/mine', '/gifts-hospitality/declare'],
    hint: 'declare gifts and hospitality offered to you',
  },
  ownMediaContacts: {
    text: 'Your media contacts',
    href: '/media-contacts/mine',
    paths: ['/media-contacts/mine'],
    hint: 'log your contacts with journalists',
  },
  ownPolicies: {
    text: 'Your policies',
    href: '/policies/mine',
    paths: ['/policies/mine', '/policies/versions'],
    hint: 'policies to read and acknowledge',
  },

  dashboard: {
    text: 'Dashboard',
    href: '/dashboard',
    hint: 'your force’s registers at a glance, as at today',
  },
  forceDashboard: {
    text: 'Force dashboard',
    href: '/dashboard',
    hint: 'a force’s registers at a glance, as at today',
  },
  secondJobs: {
    text: 'Second jobs',
    href: '/business-interests',
    hint: 'business interest applications, decisions and reviews due',
  },
  gifts: {
    text: 'Gifts and hospitality',
    href: '/gifts-hospitality',
    hint: 'every offer, accepted or declined',
  },
  mediaContacts: { text: 'Media contacts', href: '/media-contacts', hint: 'contacts with journalists' },
  cases: { text: 'Cases', href: '/cases', hint: 'integrity cases, their counts and the overdue list' },
  alerts: {
    text: 'Alerts',
    href: '/alerts',
    hint: 'what the correlation rules found across the registers, to assess',
  },
  confidentialReports: {
    text: 'Confidential reports',
    href: '/confidential-reports',
    hint: 'reports to the anti-corruption unit through the force’s confidential reporting line',
  },
  organisations: {
    text: 'Organisations',
    href: '/organisations',
    hint: 'donors, employers, media outlets and suppliers across the registers',
  },
  roster: { text: 'Roster', href: '/roster', hint: 'officers and staff, imported from HR' },
  antiCorruptionUnit: {
    text: 'Anti-corruption unit',
    href: '/acu-staffing',
    hint: 'the unit’s posts funded and filled',
  },
  policies: { text: 'Policies', href: '/policies', hint: 'the policy library and staff awareness' },
  referrals: {
    text: 'Referrals',
    href: '/referrals',
    hint: 'findings the inspectorate referred to forces, and the answers',
  },
  inspections: {
    text: 'Inspections',
    href: '/inspections',
    hint: 'self-assessments, data returns, fieldwork, judgements and the national comparison',
  },
  frameworks: {
    text: 'Frameworks',
    href: '/frameworks',
    hint: 'what inspections ask: areas, questions and recommendations',
  },
  recommendations: {
    text: 'Recommendations',
    href: '/recommendations',
    hint: 'progress against recommendations, nationally',
  },
  monitoring: {
    text: 'Monitoring of forces',
    href: '/monitoring',
    hint: 'each force’s monitoring state (Scan, Engage), the rules and the changes to decide',
  },
  documentImports: {
    text: 'Document imports',
    href: '/document-imports',
    hint: 'published reports and press releases read back into assessments',
  },
  surveys: {
    text: 'Surveys',
    href: '/surveys',
    hint: 'surveys of the public on police corruption, wave by wave, with weighted results',
  },
  research: {
    text: 'Desk research',
    href: '/research',
    hint: 'screen staff’s public social media, review and refer to forces',
  },

  users: { text: 'Users', href: '/admin/users', hint: 'who may sign in, and their roles' },
  apiTokens: { text: 'API tokens', href: '/admin/api-tokens', hint: 'machine access to the API' },
  audit: { text: 'Audit trail', href: '/admin/audit', hint: 'every change, sign-in and export' },
  outbox: {
    text: 'Email outbox',
    href: '/admin/notifications',
    hint: 'every notification email made, and whether it was sent',
  },
  translations: {
    text: 'Welsh translations',
    href: '/admin/translations',
    hint: 'the Welsh interface’s strings, to review and approve',
  },
  forceReference: {
    text: 'Regions and HM Inspectors',
    href: '/forces/reference',
    hint: 'each force’s region and HM Inspector, as releases name them',
  },
  giftSettings: {
    text: 'Gift thresholds',
    href: '/gifts-hospitality/settings',
    hint: 'the values above which an offer needs approval',
  },
  publishedRegisterSettings: {
    text: 'Published registers',
    href: '/published-registers/settings',
    hint: 'what the force publishes of its registers',
  },
  reportRetention: {
    text: 'Confidential report retention',
    href: '/confidential-reports/settings',
    hint: 'how long reports closed without a case are kept',
  },
} as const satisfies Record<string, Area>

export type AreaName = keyof typeof AREAS

type Section = 'Your records' | 'Force registers' | 'Inspection' | 'Administration' | 'Published'

/** The catalogue key of each section of the home page (src/web/i18n). */
const SECTION_KEYS: Record<Section, string> = {
  'Your records': 'nav.section.yourRecords',
  'Force registers': 'nav.section.forceRegisters',
  Inspection: 'nav.section.inspection',
  Administration: 'nav.section.administration',
  Published: 'nav.section.published',
}

/** Puts the areas' and sections' words in another language: by catalogue key, from the English. */
export type TranslateArea = (key: string) => string

/** The English catalogue's messages for the areas and sections (src/web/i18n/catalogue.ts). */
export function navigationMessages(): Record<string, string> {
  const messages: Record<string, string> = {}
  for (const [name, area] of Object.entries(AREAS) as [AreaName, Area][]) {
    messages[`nav.${name}`] = area.text
    messages[`nav.${name}.hint`] = area.hint
  }
  for (const [section, key] of Object.entries(SECTION_KEYS)) messages[key] = section
  return messages
}

const ENGLISH = navigationMessages()
const inEnglish: TranslateArea = (key) => ENGLISH[key] ?? key

interface RoleNavigation {
  /** The working areas the header shows, in order; it must fit one line on a desktop screen. */
  header: readonly AreaName[]
  /** Everything the role works with, as the home page lists it: the header's areas and the rest. */
  home: Partial<Record<Section, readonly AreaName[]>>
}

/** Someone not signed in. */
export type Visitor = 'visitor'

const PUBLISHED = ['publications', 'forces', 'api'] as const satisfies AreaName[]
const OWN_RECORDS = [
  'ownSecondJobs',
  'ownGifts',
  'ownMediaContacts',
  'ownPolicies',
] as const satisfies AreaName[]
const REGISTERS = [
  'secondJobs',
  'gifts',
  'mediaContacts',
  'cases',
  'roster',
  'antiCorruptionUnit',
  'policies',
] as const satisfies AreaName[]
const FORCE_REGISTERS = ['dashboard', ...REGISTERS] as const satisfies AreaName[]
const CASEWORKER: RoleNavigation = {
  header: [...FORCE_REGISTERS, 'inspections'],
  home: {
    'Force registers': [...FORCE_REGISTERS, 'alerts', 'confidentialReports', 'organisations'],
    Inspection: ['inspections', 'referrals', 'frameworks'],
    'Your records': OWN_RECORDS,
    Published: PUBLISHED,
  },
}
const INSPECTOR: RoleNavigation = {
  header: ['inspections', 'recommendations', 'referrals', 'frameworks', 'surveys', 'publications', 'forces'],
  home: {
    Inspection: [
      'inspections',
      'recommendations',
      'monitoring',
      'referrals',
      'frameworks',
      'surveys',
      'documentImports',
    ],
    'Force registers': ['forceDashboard', ...REGISTERS],
    Published: PUBLISHED,
  },
}

export const NAVIGATION: Record<Role | Visitor, RoleNavigation> = {
  visitor: { header: PUBLISHED, home: { Published: PUBLISHED } },
  staff: {
    header: [...OWN_RECORDS, 'publications'],
    home: { 'Your records': OWN_RECORDS, Published: PUBLISHED },
  },
  'force-caseworker': CASEWORKER,
  'force-admin': {
    header: CASEWORKER.header,
    home: {
      ...CASEWORKER.home,
      Administration: [
        'users',
        'apiTokens',
        'audit',
        'outbox',
        'giftSettings',
        'publishedRegisterSettings',
        'reportRetention',
      ],
    },
  },
  inspector: INSPECTOR,
  researcher: {
    header: ['research', ...INSPECTOR.header],
    home: { ...INSPECTOR.home, Inspection: ['research', ...(INSPECTOR.home.Inspection ?? [])] },
  },
  'inspectorate-admin': {
    header: INSPECTOR.header,
    home: {
      ...INSPECTOR.home,
      Inspection: [...(INSPECTOR.home.Inspection ?? []), 'research'],
      Administration: ['users', 'apiTokens', 'audit', 'outbox', 'forceReference', 'translations'],
    },
  },
}

function navigationOf(principal: Principal | undefined): RoleNavigation {
  return NAVIGATION[principal?.role ?? 'visitor']
}

function pathsOf(area: Area): string[] {
  return area.paths ?? [area.href]
}

function within(currentPath: string, prefix: string): boolean {
  return currentPath === prefix || currentPath.startsWith(`${prefix}/`)
}

/** The area the page belongs to: the one with the longest path prefix that the page is within. */
function currentArea(currentPath: string, names: readonly AreaName[]): AreaName | undefined {
  let best: { name: AreaName; length: number } | undefined
  for (const name of names)
    for (const prefix of pathsOf(AREAS[name]))
      if (within(currentPath, prefix) && prefix.length > (best?.length ?? -1))
        best = { name, length: prefix.length }
  return best?.name
}

/**
 * The header's items for the person, in GOV.UK service navigation's shape: the area the page is in is
 * `active` (aria-current="true"), or `current` (aria-current="page") when the page is the area's own.
 */
export function headerNavigation(
  currentPath: string,
  principal: Principal | undefined,
  translate: TranslateArea = inEnglish,
) {
  const names = navigationOf(principal).header
  const here = currentArea(currentPath, names)
  return names.map((name) => {
    const { href } = AREAS[name]
    const text = translate(`nav.${name}`)
    return { text, href, current: name === here && currentPath === href, active: name === here }
  })
}

/** For the inspectorate, one force's registers: those the home page lists, each narrowed to the force. */
export function forceRegisterLinks(
  principal: Principal | undefined,
  forceCode: string,
  translate: TranslateArea = inEnglish,
) {
  if (principal?.forceId !== null) return []
  return (navigationOf(principal).home['Force registers'] ?? []).map((name) => ({
    text: translate(`nav.${name}`),
    href: `${AREAS[name].href}?force=${encodeURIComponent(forceCode)}`,
    hint: translate(`nav.${name}.hint`),
  }))
}

/** Everything the person works with, grouped as the home page lists it. */
export function homeSections(principal: Principal | undefined, translate: TranslateArea = inEnglish) {
  return (Object.entries(navigationOf(principal).home) as [Section, readonly AreaName[]][]).map(
    ([section, names]) => ({
      heading: translate(SECTION_KEYS[section]),
      links: names.map((name) => ({
        text: translate(`nav.${name}`),
        href: AREAS[name].href,
        hint: translate(`nav.${name}.hint`),
      })),
    }),
  )
}
