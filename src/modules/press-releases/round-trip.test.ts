import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkPressReleaseFacts } from '../../domain/press-release-facts.js'
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
      quote: quoteArbitrary(facts),
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
