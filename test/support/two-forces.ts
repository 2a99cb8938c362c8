import fs from 'node:fs'
import path from 'node:path'
import { inject } from 'vitest'
import { callerFor, SYSTEM_CALLER } from '../../src/domain/access.js'
import type { Role } from '../../src/domain/roles.js'
import { shippedFramework2011 } from '../../src/modules/frameworks/shipped.js'
import { createServices, type Services } from '../../src/services.js'
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.js'

export const TEST_PASSWORD = 'correct horse battery staple'

export interface ForceFixture {
  code: string
  /** A word that appears in every name and email of this force's data, to look for in responses. */
  marker: string
  users: Record<'force-admin' | 'force-caseworker' | 'staff', { id: string; email: string }>
  apiToken: { id: string; token: string }
  /** A member of the force's roster, and a roster import waiting to be confirmed. */
  roster: { staffMemberId: string; pendingImportId: string }
  /** A gifts and hospitality declaration and a gifts import waiting to be confirmed. */
  gifts: { giftId: string; pendingImportId: string }
  /** A media contact and a media contacts import waiting to be confirmed. */
  mediaContacts: { mediaContactId: string; pendingImportId: string }
  /** Imports waiting to be confirmed, by register, for the registers whose fixture holds no other record. */
  pendingImports: Record<
    'acu-staffing' | 'referral-outcomes' | 'integrity-cases' | 'policy-acknowledgements',
    string
  >
  /** A second-job application, still to be decided (so not on the published register). */
  businessInterests: { businessInterestId: string }
  /** An integrity case, a confidential one (named to the force's caseworker), and a referral to the force. */
  cases: { caseId: string; confidentialCaseId: string; referralId: string }
  /** The social-media policy and its version 1, published (restricted) to all the force's staff. */
  policies: { policyId: string; versionId: string }
  /** The organisation the second-job application names as employer, and a supplier list import waiting. */
  organisations: { organisationId: string; pendingImportId: string }
  /** A sign-off delegation to the roster member, long over (so it lets no one sign off today). */
  signOff: { delegationId: string }
}

export interface TwoForces {
  alpha: ForceFixture
  bravo: ForceFixture
  inspectorateAdmin: { id: string; email: string }
  /**
   * An open inspection (the shipped 2011 framework, the 2012 revisit's dates) covering only Alpha and
   * Bravo; Alpha's self-assessment is in progress (one answer), Bravo's not started.
   */
  inspection: { id: string; frameworkId: string }
  /** Alpha's fieldwork finding and a recommendation with Alpha's progress recorded, in that inspection. */
  alphaFieldwork: { findingId: string; recommendationId: string }
  /** Alpha's force report in its factual-accuracy check (it states Alpha's finding) and Alpha's comment on it. */
  alphaPublication: { versionId: string; commentId: string }
  /** A published document about Alpha uploaded for import (issue #9), pending review; its name has Alpha's marker. */
  alphaDocument: { documentId: string }
}

/** One force's cast: a user in every force role, an API token, and a record or more in every register. */
export async function buildForce(services: Services, code: string, marker: string): Promise<ForceFixture> {
  const users = {} as ForceFixture['users']
  for (const role of ['force-admin', 'force-caseworker', 'staff'] as const satisfies Role[]) {
    const email = `${role}.${marker}@${code}.example`
    const { user } = await services.users.create(SYSTEM_CALLER, {
      email,
      name: `${marker} ${role}`,
      role,
      forceCode: code,
      password: TEST_PASSWORD,
    })
    users[role] = { id: user.id, email }
  }
  const { token, record } = await services.apiTokens.create(SYSTEM_CALLER, {
    name: `${marker} export job`,
    role: 'force-admin',
    forceCode: code,
  })
  const rosterRow = {
    staff_number: `${marker.slice(0, 5).toUpperCase()}0001`,
    name: `${marker} Constable`,
    grade: 'Constable',
    unit: `${marker} Response`,
    start_date: '2001-04-01',
    leave_date: '',
  }
  const { plan } = await services.roster.importRows(SYSTEM_CALLER, {
    forceCode: code,
    filename: `${marker}-roster.csv`,
    rows: [{ line: 2, values: rosterRow }],
  })
  const member = await services.roster.findByStaffNumber(SYSTEM_CALLER, plan.force.id, rosterRow.staff_number)
  const pendingImportId = await services.pendingImports.save(
    SYSTEM_CALLER,
    plan.force.id,
    'roster',
    `${marker}-pending.csv`,
    [{ ...plan.valid[0]?.value, name: `${marker} Renamed` }],
  )
  const roster = { staffMemberId: member?.id ?? '', pendingImportId }
  const gift = await services.giftsHospitality.record(
    SYSTEM_CALLER,
    {
      staffNumber: rosterRow.staff_number,
      kind: 'hospitality',
      // The public register may show the description and donor, so the marker goes where it may not.
      description: 'Dinner at the supplier’s annual awards',
      donorName: 'Northwest Uniform Supplies Ltd',
      donorType: 'supplier',
      estimatedValue: '85',
      offeredOn: '2012-01-20',
      outcome: 'accepted',
      approver: `${marker} Superintendent`,
      notes: `${marker} notes`,
    },
    plan.force.id,
  )
  const gifts = {
    giftId: gift.id,
    pendingImportId: await services.pendingImports.save(
      SYSTEM_CALLER,
      plan.force.id,
      'gifts-hospitality',
      `${marker}-gifts.csv`,
      [{ ...gift, id: undefined, description: `${marker} pending gift` }],
    ),
  }
  const contact = await services.mediaContacts.create(
    SYSTEM_CALLER,
    {
      staffNumber: rosterRow.staff_number,
      journalist: `${marker} Reporter`,
      outlet: `${marker} Evening News`,
      contactOn: '2012-02-01',
      method: 'telephone',
      purpose: `${marker} appeal for witnesses`,
      discussed: `${marker} the appeal`,
    },
    plan.force.id,
  )
  const mediaContacts = {
    mediaContactId: contact.id,
    pendingImportId: await services.pendingImports.save(
      SYSTEM_CALLER,
      plan.force.id,
      'media-contacts',
      `${marker}-media.csv`,
      [
        {
          staffMemberId: contact.staffMemberId,
          journalist: `${marker} pending`,
          outlet: 'x',
          contactOn: '2012-02-01',
          method: 'email',
          purpose: 'x',
          discussed: 'x',
          authorisedBy: null,
        },
      ],
    ),
  }
  const application = await services.businessInterests.record(SYSTEM_CALLER, {
    forceId: plan.force.id,
    staffNumber: rosterRow.staff_number,
    submittedOn: '2012-01-10',
    nature: `${marker} weekend driving instructor`,
    category: 'self-employment',
    employer: `${marker} Driving School`,
    hoursPerWeek: '6',
    paid: 'yes',
    conflictDeclaration: `${marker} none`,
  })
  const businessInterests = { businessInterestId: application.id }
  // The employer named above, made an organisation as the application was written.
  const asForce = { ...SYSTEM_CALLER, scope: { kind: 'force' as const, forceId: plan.force.id } }
  const [employer] = await services.organisations.list(asForce, `${marker} Driving School`)
  const organisations = {
    organisationId: employer?.id ?? '',
    pendingImportId: await services.pendingImports.save(
      SYSTEM_CALLER,
      plan.force.id,
      'supplier-contracts',
      `${marker}-suppliers.csv`,
      [
        {
          supplier: `${marker} Supplies`,
          key: `${marker} supplies`,
          companyNumber: null,
          reference: `${marker}-1`,
          description: null,
          managingUnit: null,
        },
      ],
    ),
  }
  const integrityCase = await services.integrityCases.open(
    SYSTEM_CALLER,
    {
      type: 'inappropriate disclosure to the media',
      source: 'internal',
      openedOn: '2012-02-03',
      summary: `${marker} leak to the press`,
      staffNumber: rosterRow.staff_number,
      assignedTo: users['force-caseworker'].id,
    },
    { forceId: plan.force.id },
  )
  const confidentialCase = await services.integrityCases.open(
    SYSTEM_CALLER,
    {
      type: 'corruption intelligence',
      source: 'confidential report',
      openedOn: '2012-02-04',
      summary: `${marker} confidential intelligence`,
      assignedTo: users['force-caseworker'].id,
      confidential: true,
    },
    { forceId: plan.force.id },
  )
  const referral = await services.referrals.create(SYSTEM_CALLER, {
    force: code,
    type: 'social-media misconduct',
    finding: `${marker} public post about a named victim`,
    evidenceUrl: 'https://twitter.example/post/1',
    referredOn: '2012-02-14',
  })
  const cases = { caseId: integrityCase.id, confidentialCaseId: confidentialCase.id, referralId: referral.id }
  const pendingImports = {
    'acu-staffing': await services.pendingImports.save(
      SYSTEM_CALLER,
      plan.force.id,
      'acu-staffing',
      `${marker}-staffing.csv`,
      [{ asOf: '2012-03-31', postsFunded: 6, postsFilled: 5, notes: `${marker} pending staffing` }],
    ),
    'referral-outcomes': await services.pendingImports.save(
      SYSTEM_CALLER,
      plan.force.id,
      'referral-outcomes',
      `${marker}-outcomes.csv`,
      [
        {
          referralId: referral.id,
          status: 'no action',
          caseId: null,
          caseReference: null,
          noActionReason: `${marker} pending outcome`,
          respondedOn: '2012-02-20',
        },
      ],
    ),
    'integrity-cases': await services.pendingImports.save(
      SYSTEM_CALLER,
      plan.force.id,
      'integrity-cases',
      `${marker}-cases.csv`,
      [
        {
          reference: null,
          type: 'other',
          source: 'internal',
          status: 'open',
          outcome: null,
          openedOn: '2011-06-01',
          closedOn: null,
          targetDate: null,
          confidential: false,
          summary: `${marker} pending case`,
          subjects: [{ id: member?.id, staffNumber: rosterRow.staff_number }],
        },
      ],
    ),
  }
  const policy = await services.policies.createPolicy(
    SYSTEM_CALLER,
    { area: 'social-media', title: `${marker} social media policy` },
    plan.force.id,
  )
  const policyVersion = await services.policies.createVersion(SYSTEM_CALLER, policy.id, {
    title: `${marker} use of social media`,
    body: `${marker} never post about operations or victims`,
    effectiveDate: '2012-01-01',
    owner: `${marker} Head of Professional Standards`,
    nationalGuidance: 'yes',
    guidanceName: 'ACPO guidance on the safe use of the internet and social media',
  })
  await services.policies.publish(SYSTEM_CALLER, policyVersion.id, {
    audience: 'all',
    deadline: '2099-12-31',
    restricted: 'yes',
  })
  const policies = { policyId: policy.id, versionId: policyVersion.id }
  const acknowledgementsImportId = await services.pendingImports.save(
    SYSTEM_CALLER,
    plan.force.id,
    'policy-acknowledgements',
    `${marker}-acknowledgements.csv`,
    [
      {
        versionId: policyVersion.id,
        version: 1,
        staffMemberId: roster.staffMemberId,
        acknowledgedOn: '2012-02-01',
      },
    ],
  )
  const forceAdmin = callerFor(
    {
      kind: 'user',
      id: users['force-admin'].id,
      label: `${marker} admin`,
      role: 'force-admin',
      forceId: plan.force.id,
      staffMemberId: null,
    },
    null,
  )
  const delegation = await services.signOff.delegate(forceAdmin, {
    staffMemberId: roster.staffMemberId,
    validFrom: '2011-01-01',
    validTo: '2011-01-31',
    reason: `${marker} chief officers away`,
  })
  return {
    code,
    marker,
    users,
    apiToken: { id: record.id, token },
    roster,
    gifts,
    mediaContacts,
    pendingImports: { ...pendingImports, 'policy-acknowledgements': acknowledgementsImportId },
    businessInterests,
    cases,
    policies,
    signOff: { delegationId: delegation.id },
    organisations,
  }
}

/**
 * Two forces, each with a user in every force role and an API token, and an inspectorate admin: the
 * cast of every isolation test. Alpha's data all carry the word "alphamarker", Bravo's "bravomarker".
 */
export async function buildTwoForces(services: Services): Promise<TwoForces> {
  const alpha = await buildForce(services, 'cheshire', 'alphamarker')
  const bravo = await buildForce(services, 'cleveland', 'bravomarker')
  const { user } = await services.users.create(SYSTEM_CALLER, {
    email: 'admin@inspectorate.example',
    name: 'Inspectorate Admin',
    role: 'inspectorate-admin',
    password: TEST_PASSWORD,
  })
  const framework = await services.frameworks.loadFramework(SYSTEM_CALLER, shippedFramework2011())
  const inspection = await services.inspections.create(SYSTEM_CALLER, {
    code: 'two-forces-2012',
    title: 'Two forces revisit',
    frameworkId: framework.id,
    dataFrom: '2011-09-01',
    dataTo: '2012-05-31',
    censusDate: '2012-05-31',
    fieldworkFrom: '2012-07-01',
    fieldworkTo: '2012-08-31',
    status: 'open',
    forces: [alpha.code, bravo.code],
  })
  const shipped = await services.frameworks.get(SYSTEM_CALLER, framework.id)
  const finding = await services.fieldwork.addFinding(SYSTEM_CALLER, inspection.id, alpha.code, {
    area: shipped.areas[0]?.code ?? '',
    kind: 'cause of concern',
    text: `${alpha.marker} finding`,
  })
  const progress = await services.recommendationProgress.record(SYSTEM_CALLER, inspection.id, alpha.code, {
    recommendation: shipped.recommendations.find((r) => r.scope === 'national')?.code ?? '',
    status: 'in progress',
    note: `${alpha.marker} progress`,
  })
  // Alpha's self-assessment is in progress: one answer whose evidence carries Alpha's marker.
  const questions = await services.frameworks.get(SYSTEM_CALLER, framework.id)
  await services.selfAssessments.saveAnswers(SYSTEM_CALLER, inspection.id, alpha.code, [
    {
      questionId: questions.questions[0]?.id ?? '',
      rating: 'partly met',
      evidence: `${alpha.marker} evidence`,
    },
  ])
  // Alpha's data return, computed, with an override whose reason carries Alpha's marker.
  await services.dataReturns.refresh(SYSTEM_CALLER, inspection.id, alpha.code)
  await services.dataReturns.override(SYSTEM_CALLER, inspection.id, alpha.code, {
    item: 'workforce',
    value: '3',
    reason: `${alpha.marker} override reason`,
  })
  const [report] = await services.publication.generate(SYSTEM_CALLER, inspection.id, {
    forceCode: alpha.code,
    kinds: ['force-report'],
  })
  await services.publication.sendForCheck(SYSTEM_CALLER, report?.versionId ?? '')
  const alphaForceId = (await services.forces.references()).find((f) => f.code === alpha.code)?.id ?? null
  const alphaCaseworker = callerFor(
    {
      kind: 'user',
      id: alpha.users['force-caseworker'].id,
      label: `${alpha.marker} force-caseworker`,
      role: 'force-caseworker',
      forceId: alphaForceId,
      staffMemberId: null,
    },
    null,
  )
  const comment = await services.publication.comment(alphaCaseworker, report?.versionId ?? '', {
    comment: `${alpha.marker} factual-accuracy comment`,
  })
  const [document] = await services.documentImports.upload(SYSTEM_CALLER, inspection.id, [
    {
      filename: `${alpha.marker} press release.txt`,
      data: Buffer.from(
        `Cheshire Constabulary has made improvements (${alpha.marker})\n\nCheshire Constabulary received 12 applications for second jobs, of which 10 were approved.\n`,
      ),
    },
  ])
  return {
    alpha,
    bravo,
    inspectorateAdmin: { id: user.id, email: user.email },
    inspection: { id: inspection.id, frameworkId: framework.id },
    alphaFieldwork: { findingId: finding.id, recommendationId: progress.recommendationId },
    alphaPublication: { versionId: report?.versionId ?? '', commentId: comment.id },
    alphaDocument: { documentId: document?.id ?? '' },
  }
}

/**
 * The test app over the two forces. Building them takes a second or more (seven passwords hashed, a
 * report generated), so they are built once a run for each time the clock shows when they are built
 * (the only option that changes what is written), and each file starts from a copy of that database,
 * as it does from the migrated one. The ids and the token the build returns are kept beside it.
 */
export async function createTwoForcesTestApp(
  options: Omit<TestAppOptions, 'seeded'> = {},
): Promise<{ testApp: TestApp; cast: TwoForces }> {
  const name = `two_forces_${options.now?.().toISOString().replace(/\D/g, '') ?? 'real'}`
  const castFile = path.join(inject('testRun').folder, `${name}.json`)
  const testApp = await createTestApp({
    ...options,
    seeded: {
      name,
      seed: async (db) => {
        const cast = await buildTwoForces(createServices(db, options))
        fs.writeFileSync(castFile, JSON.stringify(cast))
      },
    },
  })
  return { testApp, cast: JSON.parse(fs.readFileSync(castFile, 'utf8')) }
}
