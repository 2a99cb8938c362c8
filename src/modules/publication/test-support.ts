import { SYSTEM_CALLER } from '../../domain/access.js'
import type { PressReleaseFacts } from '../../domain/press-release-facts.js'
import type { Services } from '../../services.js'
import { shippedFramework2011 } from '../frameworks/shipped.js'
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

/**
 * An inspection of a Welsh force (Gwent, its HMI confirmed) and an English one (Cheshire) with the same
 * data-return figures, and its documents generated as drafts: for tests of the Welsh press release.
 */
export async function buildWelshInspection(services: Services): Promise<string> {
  const framework = await services.frameworks.loadFramework(SYSTEM_CALLER, shippedFramework2011())
  const { id: inspectionId } = await services.inspections.create(SYSTEM_CALLER, {
    code: 'welsh-revisit-2012',
    title: 'Welsh revisit',
    frameworkId: framework.id,
    dataFrom: '2011-09-01',
    dataTo: '2012-05-31',
    censusDate: '2012-05-31',
    fieldworkFrom: '2012-07-01',
    fieldworkTo: '2012-08-31',
    status: 'open',
    forces: ['gwent', 'cheshire'],
  })
  // Gwent's HMI, confirmed, so that its release names them and may be approved.
  await services.forces.saveReference(SYSTEM_CALLER, 'gwent', {
    effectiveFrom: '2012-01-01',
    region: 'Wales/Western',
    hmiName: 'Dru Sharpling',
    hmiHonours: 'QPM',
    confirmed: 'yes',
    sourceNote: 'The 2012 report on Gwent Police',
  })
  for (const code of ['gwent', 'cheshire']) {
    await services.dataReturns.refresh(SYSTEM_CALLER, inspectionId, code)
    for (const [item, value] of [
      ['second-job-applications', '76'],
      ['second-job-approvals', '72'],
      ['media-disclosure-investigations', '3'],
      ['media-disclosure-continuing', '1'],
      ['social-media-referrals', '2'],
      ['acu-staff-change', '-6'],
    ])
      await services.dataReturns.override(SYSTEM_CALLER, inspectionId, code, {
        item,
        value,
        reason: 'Figures the force gave the inspection',
      })
  }
  await services.publication.generate(SYSTEM_CALLER, inspectionId)
  return inspectionId
}

/** Takes a force's draft through the factual-accuracy check and approval to published, now. */
export async function publishDraft(services: Services, versionId: string) {
  await services.publication.sendForCheck(SYSTEM_CALLER, versionId)
  await services.publication.approve(SYSTEM_CALLER, versionId)
  return services.publication.publish(SYSTEM_CALLER, versionId)
}
