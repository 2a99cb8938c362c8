import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import {
  checkPressReleaseFacts,
  HEADLINE_JUDGEMENTS,
  type PressReleaseFacts,
} from '../../domain/press-release-facts.js'
import { inLanguageOf, translate } from '../../web/i18n/catalogue.js'
import { shippedForces } from './forces.js'
import { defaultPressReleaseTemplate, renderPressRelease, renderWelshPressRelease } from './renderer.js'
import { DEFAULT_PRESS_RELEASE_SETTINGS, IMPROVEMENTS } from './settings.js'
import { expectSameStatements, factsArbitrary, WELSH_NAMES } from './test-support.js'
import { formatWelshPeriod, hasWelshPressRelease, softMutation, WELSH_FORCES } from './welsh.js'

const forces = shippedForces()
const template = defaultPressReleaseTemplate()

const welshForces = forces.filter((force) => force.code in WELSH_NAMES)

/** Both releases of a Welsh force, rendered from the facts, state the same facts. */
function expectSameFacts(facts: PressReleaseFacts, force: { code: string; name: string }) {
  expectSameStatements(
    renderPressRelease(template, { facts, force, hmiHonours: 'QPM' }),
    renderWelshPressRelease({ facts, force, hmiHonours: 'QPM' }),
    facts,
  )
}

describe('a Welsh force’s press release in Welsh', () => {
  it('is for the four Welsh forces only', () => {
    expect([...WELSH_FORCES].sort()).toEqual(Object.keys(WELSH_NAMES).sort())
    expect(welshForces.map((force) => force.code).sort()).toEqual(Object.keys(WELSH_NAMES).sort())
    for (const force of forces) expect(hasWelshPressRelease(force.code)).toBe(force.code in WELSH_NAMES)
  })

  it('states the same facts as the English, for the facts of the real 2012 releases', () => {
    const names = fs.readdirSync(PRESS_RELEASE_FIXTURES).filter((name) => name.endsWith('.json'))
    expect(names.length).toBeGreaterThanOrEqual(3)
    for (const name of names) {
      const checked = checkPressReleaseFacts(
        JSON.parse(fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, name), 'utf8')),
        forces,
      )
      if (!checked.success) throw new Error(JSON.stringify(checked.problems))
      // The same facts, as if about each Welsh force.
      for (const force of welshForces)
        expectSameFacts({ ...checked.facts, force: force.name, forceCode: force.code }, force)
    }
  })

  it('states the same facts as the English, for any facts', () => {
    const cases = fc
      .constantFrom(...welshForces)
      .chain((force) => factsArbitrary(force).map((facts) => ({ force, facts })))
    fc.assert(
      fc.property(cases, ({ force, facts }) => expectSameFacts(facts, force)),
      { numRuns: 400 },
    )
  })

  it('writes counts with the Welsh plural forms, softened where the grammar asks', () => {
    const force = welshForces.find((entry) => entry.code === 'gwent') as (typeof welshForces)[number]
    const release = (applications: number, approved: number | null) =>
      renderWelshPressRelease({
        force,
        facts: {
          ...checkedEmpty(force),
          secondJobApplications: { applications, approved },
        },
      })
    // Intl.PluralRules('cy'): one, two, few (3), many (6), other; the object of "gwnaeth" softened.
    expect(release(1, 1)).toContain('gwnaeth swyddogion a staff un cais am ganiatâd')
    expect(release(2, 2)).toContain(
      'ddau gais am ganiatâd i gael ail swydd, ac roedd y ddau wedi’u cymeradwyo',
    )
    expect(release(3, 0)).toContain('dri chais am ganiatâd i gael ail swydd, ac nid oedd yr un ohonynt')
    expect(release(6, null)).toContain('chwe chais am ganiatâd i gael ail swydd.')
    expect(release(76, 72)).toContain('76 o geisiadau am ganiatâd i gael ail swydd, ac roedd 72 ohonynt')
    expect(release(1204, 1204)).toContain('1,204 o geisiadau')
    expect(release(0, 0)).toContain('ni chafodd yr heddlu unrhyw geisiadau')
  })

  it('writes periods with Welsh months', () => {
    expect(formatWelshPeriod({ from: '2011-09-01', to: '2012-05-31' })).toBe(
      'rhwng mis Medi 2011 a mis Mai 2012',
    )
    expect(formatWelshPeriod({ from: '2011-09-03', to: '2012-05-31' })).toBe(
      'o 3 Medi 2011 hyd at ddiwedd mis Mai 2012',
    )
    expect(formatWelshPeriod({ from: '2011-09-01', to: '2012-11-15' })).toBe(
      'o fis Medi 2011 hyd at 15 Tachwedd 2012',
    )
    expect(formatWelshPeriod({ from: '2011-04-01', to: null })).toBe('ers mis Ebrill 2011')
    expect(formatWelshPeriod({ from: null, to: '2012-08-31' })).toBe('hyd at ddiwedd mis Awst 2012')
    expect(softMutation('Tri chais')).toBe('Dri chais')
    expect(softMutation('chwe chais')).toBe('chwe chais')
    expect(softMutation('llyfr')).toBe('lyfr')
  })

  it('has its quote and notes in Welsh, where the inspectorate’s settings are the default ones', () => {
    const force = welshForces[0] as (typeof welshForces)[number]
    const welsh = renderWelshPressRelease({
      force,
      facts: {
        ...checkedEmpty(force),
        headline: 'good progress',
        hmi: 'Dru Sharpling',
        counterCorruptionPlan: false,
      },
    })
    expect(welsh).toContain(`Mae ${WELSH_NAMES[force.code]} wedi gwneud cynnydd da`)
    expect(welsh).toContain(translate('cy', 'press-releases.improvement.counterCorruptionPlan'))
    expect(welsh).toContain(translate('cy', 'press-releases.nationalFinding.1'))
    expect(welsh).toContain(translate('cy', 'press-releases.notesToEditors.6'))
    // A note an administrator wrote has no Welsh: it stays as written.
    const edited = renderWelshPressRelease({
      force,
      facts: checkedEmpty(force),
      settings: { nationalFinding: ['A finding.'], notesToEditors: ['A note of our own.'] },
    })
    expect(edited).toContain('1. A note of our own.')
  })

  it('finds in the catalogues the Welsh of every English sentence the code and the default settings give', () => {
    for (const text of [
      ...DEFAULT_PRESS_RELEASE_SETTINGS.nationalFinding,
      ...DEFAULT_PRESS_RELEASE_SETTINGS.notesToEditors,
      ...IMPROVEMENTS.map(([, english]) => english),
    ])
      expect([text, inLanguageOf('cy', text) !== text]).toEqual([text, true])
    for (const [field, english] of IMPROVEMENTS)
      expect(translate('en', `press-releases.improvement.${field}`)).toBe(english)
    for (const headline of HEADLINE_JUDGEMENTS)
      expect(translate('en', `press-releases.headline.${headline}`)).toBe(`made ${headline}`)
  })
})

function checkedEmpty(force: { code: string; name: string }): PressReleaseFacts {
  return {
    force: force.name,
    forceCode: force.code,
    headline: null,
    hmi: null,
    hmiRegion: null,
    period: { from: '2011-09-01', to: '2012-05-31' },
    integrityHealthCheck: null,
    mediaDisclosureInvestigations: null,
    socialMediaCasesReferred: null,
    secondJobApplications: null,
    antiCorruptionUnitStaffChange: null,
  }
}
