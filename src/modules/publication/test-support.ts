import type { PressReleaseFacts } from '../../domain/press-release-facts.js'
import { forceNameForms } from '../press-releases/renderer.js'
import { DEFAULT_PRESS_RELEASE_SETTINGS, quoteFor } from '../press-releases/settings.js'
import { type ForceFacts, figuresOf, type InspectionSummary } from './facts.js'

/** An inspection as documents name it, for tests that write documents from facts made by hand. */
export const SAMPLE_INSPECTION: InspectionSummary = {
  id: '00000000-0000-4000-8000-000000000001',
  code: 'revisit',
  title: 'A revisit',
  dataFrom: '2011-09-01',
  dataTo: '2012-05-31',
  censusDate: '2012-05-31',
  fieldworkFrom: null,
  fieldworkTo: null,
  revisits: null,
}

/** A force's facts around a press release's, as the inspection would hold them: every return item, none valued. */
export function forceFactsFor(pressRelease: PressReleaseFacts): ForceFacts {
  return {
    pressRelease,
    force: { code: pressRelease.forceCode, name: pressRelease.force, region: pressRelease.hmiRegion },
    inspection: SAMPLE_INSPECTION,
    figures: figuresOf({}),
    findings: [],
    recommendations: [],
    quote: quoteFor(
      pressRelease,
      forceNameForms(pressRelease.force).subject,
      DEFAULT_PRESS_RELEASE_SETTINGS.nationalFinding,
    ),
    hmiHonours: pressRelease.hmi ? 'QPM' : null,
  }
}
