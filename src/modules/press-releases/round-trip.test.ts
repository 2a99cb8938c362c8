import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import { checkPressReleaseFacts, PRESS_RELEASE_FIELDS } from '../../domain/press-release-facts.js'
import { extractPressRelease } from './extractor.js'
import { shippedForces } from './forces.js'
import { defaultPressReleaseTemplate, renderPressRelease } from './renderer.js'
import {
  breakLines,
  FINDINGS,
  factsArbitrary,
  forceArbitrary,
  isPressReleaseLike,
  quoteArbitrary,
} from './test-support.js'

// Issue #9 acceptance: generated press releases are extracted back to the same facts.
const forces = shippedForces()
const template = defaultPressReleaseTemplate()

const cases = forceArbitrary.chain((force) =>
  factsArbitrary(force).chain((facts) =>
    fc.record({
      force: fc.constant(force),
      facts: fc.constant(facts),
      findings: fc.subarray(FINDINGS),
      // The quote as given, or (undefined) built from the facts and the national finding.
      quote: fc.option(quoteArbitrary(facts), { nil: undefined }),
      hmiHonours: fc.constantFrom(null, 'QPM', 'CBE QPM'),
      reportUrl: fc.option(fc.constant('https://www.justiceinspectorates.gov.uk/hmic/')),
    }),
  ),
)

describe('render → extract round trip', () => {
  it('reads back every fact of a generated press release taken from a PDF (broken lines, curly quotes)', () => {
    fc.assert(
      fc.property(cases, (context) => {
        fc.pre(isPressReleaseLike(context.facts))
        const document = breakLines(renderPressRelease(template, context, 'text'))
          .replace(/'/g, '\u2019')
          .replace(/^- /gm, '\u2022 ')
        expect(extractPressRelease(document, forces).facts).toEqual(context.facts)
      }),
      { numRuns: 300 },
    )
  })

  for (const format of ['markdown', 'text', 'html'] as const) {
    it(`reads back every fact of a generated press release (${format})`, () => {
      fc.assert(
        fc.property(cases, (context) => {
          fc.pre(isPressReleaseLike(context.facts))
          // The generated facts are valid facts.
          expect(checkPressReleaseFacts(context.facts, forces)).toEqual({
            success: true,
            facts: context.facts,
          })
          const document = renderPressRelease(template, context, format)
          const extracted = extractPressRelease(document, forces)
          expect(extracted.facts).toEqual(context.facts)
          // Field order as in the fixtures.
          expect(Object.keys(extracted.facts)).toEqual(Object.keys(context.facts))
          expect(extracted.uninterpreted).toEqual([])
        }),
        { numRuns: 300 },
      )
    })
  }
})

describe('the facts of the real 2012 press releases, rendered and read back', () => {
  const names = fs
    .readdirSync(PRESS_RELEASE_FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))

  it('covers the fixtures, and between them every field of the schema', () => {
    expect(names.length).toBeGreaterThanOrEqual(3)
    const stated = new Set(
      names.flatMap((name) =>
        Object.entries(JSON.parse(fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, `${name}.json`), 'utf8')))
          .filter(([, value]) => value !== null)
          .map(([field]) => field),
      ),
    )
    expect([...stated].sort()).toEqual([...PRESS_RELEASE_FIELDS].sort())
  })

  for (const name of names) {
    for (const format of ['markdown', 'text', 'html'] as const) {
      it(`${name}.json → press release (${format}) → extract gives the same facts, every field`, () => {
        const checked = checkPressReleaseFacts(
          JSON.parse(fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, `${name}.json`), 'utf8')),
          forces,
        )
        if (!checked.success) throw new Error(JSON.stringify(checked.problems))
        const force = forces.find((entry) => entry.code === checked.facts.forceCode)
        if (!force) throw new Error(`${name}: no such force`)
        const release = renderPressRelease(
          template,
          { facts: checked.facts, force, hmiHonours: 'QPM' },
          format,
        )
        const extracted = extractPressRelease(release, forces)
        expect(extracted.facts).toEqual(checked.facts)
        expect(JSON.stringify(extracted.facts)).toBe(JSON.stringify(checked.facts))
        expect(extracted.uninterpreted).toEqual([])
      })
    }
  }
})
