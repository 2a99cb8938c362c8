import type { TwoForces } from './two-forces.js'

/** Parameters that name one of force Alpha's records. `code` names the force itself, which is public. */
const ALPHA_RECORD: Record<string, (cast: TwoForces) => string> = {
  publicationVersionId: (cast) => cast.alphaPublication.versionId,
  commentId: (cast) => cast.alphaPublication.commentId,
  userId: (cast) => cast.alpha.users.staff.id,
  tokenId: (cast) => cast.alpha.apiToken.id,
  businessInterestId: (cast) => cast.alpha.businessInterests.businessInterestId,
  staffMemberId: (cast) => cast.alpha.roster.staffMemberId,
  importId: (cast) => cast.alpha.roster.pendingImportId,
  giftId: (cast) => cast.alpha.gifts.giftId,
  giftImportId: (cast) => cast.alpha.gifts.pendingImportId,
  mediaContactId: (cast) => cast.alpha.mediaContacts.mediaContactId,
  mediaImportId: (cast) => cast.alpha.mediaContacts.pendingImportId,
  staffingImportId: (cast) => cast.alpha.pendingImports['acu-staffing'],
  outcomesImportId: (cast) => cast.alpha.pendingImports['referral-outcomes'],
  casesImportId: (cast) => cast.alpha.pendingImports['integrity-cases'],
  acknowledgementsImportId: (cast) => cast.alpha.pendingImports['policy-acknowledgements'],
  caseId: (cast) => cast.alpha.cases.caseId,
  referralId: (cast) => cast.alpha.cases.referralId,
  policyId: (cast) => cast.alpha.policies.policyId,
  versionId: (cast) => cast.alpha.policies.versionId,
  forceCode: (cast) => cast.alpha.code,
  findingId: (cast) => cast.alphaFieldwork.findingId,
  recommendationId: (cast) => cast.alphaFieldwork.recommendationId,
  documentId: (cast) => cast.alphaDocument.documentId,
  delegationId: (cast) => cast.alpha.signOff.delegationId,
  organisationId: (cast) => cast.alpha.organisations.organisationId,
  supplierImportId: (cast) => cast.alpha.organisations.pendingImportId,
}
const PUBLIC_PARAMETER: Record<string, (cast: TwoForces) => string> = {
  kind: () => 'press-release',
  code: (cast) => cast.alpha.code,
  inspectionId: (cast) => cast.inspection.id,
  frameworkId: (cast) => cast.inspection.frameworkId,
  // An area, question, recommendation or mapping of a framework (which no force owns): none in particular.
  itemId: () => '00000000-0000-4000-8000-000000000000',
  areaCode: () => 'media',
  // Desk research is the inspectorate's alone (every route is for researchers): any exercise, post or profile.
  exerciseCode: () => 'social-media-2012',
  researchPostId: () => '00000000-0000-4000-8000-000000000000',
  researchProfileId: () => '00000000-0000-4000-8000-000000000000',
  // Surveys are the inspectorate's alone (every route is for inspectorate roles): any survey and wave.
  surveyCode: () => 'public-attitudes-synthetic',
  waveCode: () => '2012',
  // An OpenID Connect provider's id (none is configured in the shared test app, so its routes answer 404).
  provider: () => 'cheshire',
  // The two-forces cast raises no alert; src/modules/alerts/alerts.test.ts walks its routes as Bravo with one of Alpha's.
  alertId: () => '00000000-0000-4000-8000-000000000000',
  // The two-forces cast has no change of monitoring state; src/modules/escalation/escalation.test.ts walks its routes as Bravo with one of Alpha's.
  changeId: () => '00000000-0000-4000-8000-000000000000',
  // The two-forces cast has no confidential report; src/modules/confidential-reports walks its routes with one of Alpha's.
  reportId: () => '00000000-0000-4000-8000-000000000000',
  attachmentId: () => '00000000-0000-4000-8000-000000000000',
  // The two-forces cast's emails are made only when a worker runs; src/modules/notifications/notifications.test.ts
  // opens one of Alpha's as Bravo's administrator and the inspectorate's.
  messageId: () => '00000000-0000-4000-8000-000000000000',
  // A question's place in a policy version: the version (versionId) is what names Alpha's record.
  index: () => '0',
}

/**
 * A route's path with its parameters filled in: each of force Alpha's records by Alpha's, the rest by
 * a public value. `namesAlphaRecord` says whether the path names a record Alpha owns.
 */
export function fillRouteParameters(
  url: string,
  cast: TwoForces,
): { path: string; namesAlphaRecord: boolean } {
  let namesAlphaRecord = false
  const path = url.replace(/:(\w+)/g, (_match, name: string) => {
    const record = ALPHA_RECORD[name]
    if (record) {
      namesAlphaRecord = true
      return record(cast)
    }
    const shared = PUBLIC_PARAMETER[name]
    if (!shared) throw new Error(`Route ${url}: give :${name} a value in test/support/route-parameters.ts`)
    return shared(cast)
  })
  return { path, namesAlphaRecord }
}
