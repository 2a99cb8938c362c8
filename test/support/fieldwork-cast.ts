import { type Caller, callerFor, SYSTEM_CALLER } from '../../src/domain/access.js'
import type { Role } from '../../src/domain/roles.js'
import type { FrameworkRow } from '../../src/modules/frameworks/queries.js'
import type { InspectionRow } from '../../src/modules/inspections/service.js'
import type { Services } from '../../src/services.js'
import { TEST_PASSWORD, type TwoForces } from './two-forces.js'

/**
 * What the fieldwork and recommendation-progress tests build on the two forces: two inspectors (so one
 * can moderate the other), a framework in two versions with recommendations mapped between them, and
 * an inspection under each version, the later revisiting the earlier.
 */
export interface FieldworkCast {
  lead: { caller: Caller; email: string }
  second: { caller: Caller; email: string }
  v1: FrameworkRow
  v2: FrameworkRow
  review: InspectionRow
  revisit: InspectionRow
  /** Callers of the two forces' users, by force then role. */
  alpha: Record<'force-admin' | 'force-caseworker' | 'staff', Caller>
  bravo: Record<'force-admin' | 'force-caseworker' | 'staff', Caller>
}

async function inspector(services: Services, email: string, name: string) {
  const { user } = await services.users.create(SYSTEM_CALLER, {
    email,
    name,
    role: 'inspector',
    password: TEST_PASSWORD,
  })
  return {
    email,
    caller: callerFor(
      { kind: 'user', id: user.id, label: name, role: 'inspector', forceId: null, staffMemberId: null },
      null,
    ),
  }
}

async function forceCallers(services: Services, code: string, users: TwoForces['alpha']['users']) {
  const force = (await services.forces.references()).find((f) => f.code === code)
  const callers = {} as FieldworkCast['alpha']
  for (const role of ['force-admin', 'force-caseworker', 'staff'] as const satisfies Role[])
    callers[role] = callerFor(
      {
        kind: 'user',
        id: users[role].id,
        label: `${code} ${role}`,
        role,
        forceId: force?.id ?? null,
        staffMemberId: null,
      },
      null,
    )
  return callers
}

const areas = [
  {
    code: 'media',
    title: 'Relationships with the media',
    questions: [{ code: 'media-1', text: 'Does the force record contact with the media?' }],
  },
  {
    code: 'gifts',
    title: 'Gifts and hospitality',
    questions: [{ code: 'gifts-1', text: 'Does the force keep a register of gifts and hospitality?' }],
  },
]

export async function buildFieldworkCast(services: Services, cast: TwoForces): Promise<FieldworkCast> {
  const v1 = await services.frameworks.loadFramework(SYSTEM_CALLER, {
    code: 'fieldwork-test',
    version: 1,
    title: 'Fieldwork test framework',
    status: 'published',
    areas,
    recommendations: [
      {
        code: 'R1',
        text: 'Record every contact with the media',
        scope: 'national',
        addressee: 'Chief constables',
      },
      { code: 'R2', text: 'Publish the gifts register', scope: 'national', addressee: 'Chief constables' },
      {
        code: 'R3',
        text: 'Review the Cheshire register',
        scope: 'force',
        force: 'cheshire',
        addressee: 'The chief constable',
      },
    ],
  })
  const v2 = await services.frameworks.loadFramework(SYSTEM_CALLER, {
    code: 'fieldwork-test',
    version: 2,
    previousVersion: 1,
    title: 'Fieldwork test framework, revisited',
    status: 'published',
    judgementScale: ['good progress', 'improvements', 'some improvements', 'limited progress'],
    areas,
    recommendations: [
      {
        code: 'REC-1',
        text: 'Record every contact with the media',
        scope: 'national',
        addressee: 'Chief constables',
      },
      { code: 'REC-2', text: 'Publish the gifts register', scope: 'national', addressee: 'Chief constables' },
      {
        code: 'REC-9',
        text: 'Tell staff about the new policies',
        scope: 'national',
        addressee: 'Chief constables',
      },
      {
        code: 'REC-C',
        text: 'Review the Cleveland register',
        scope: 'force',
        force: 'cleveland',
        addressee: 'The chief constable',
      },
    ],
    mappings: [
      { kind: 'area', from: 'media', to: 'media' },
      { kind: 'area', from: 'gifts', to: 'gifts' },
      { kind: 'recommendation', from: 'R1', to: 'REC-1' },
      { kind: 'recommendation', from: 'R2', to: 'REC-2' },
    ],
  })
  const review = await services.inspections.create(SYSTEM_CALLER, {
    code: 'fieldwork-review',
    title: 'The review',
    frameworkId: v1.id,
    dataFrom: '2010-09-01',
    dataTo: '2011-05-31',
    censusDate: '2011-05-31',
    fieldworkFrom: '',
    fieldworkTo: '',
    status: 'open',
    forces: ['cheshire', 'cleveland'],
  })
  const revisit = await services.inspections.create(SYSTEM_CALLER, {
    code: 'fieldwork-revisit',
    title: 'The revisit',
    frameworkId: v2.id,
    dataFrom: '2011-09-01',
    dataTo: '2012-05-31',
    censusDate: '2012-05-31',
    fieldworkFrom: '2012-07-01',
    fieldworkTo: '2012-08-31',
    revisitsId: review.id,
    status: 'open',
    forces: ['cheshire', 'cleveland'],
  })
  return {
    lead: await inspector(services, 'lead.inspector@inspectorate.example', 'Lena Lead-Inspector'),
    second: await inspector(services, 'second.inspector@inspectorate.example', 'Sean Second-Inspector'),
    v1,
    v2,
    review,
    revisit,
    alpha: await forceCallers(services, cast.alpha.code, cast.alpha.users),
    bravo: await forceCallers(services, cast.bravo.code, cast.bravo.users),
  }
}
