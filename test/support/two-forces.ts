import { SYSTEM_CALLER } from '../../src/domain/access.js'
import type { Role } from '../../src/domain/roles.js'
import type { Services } from '../../src/services.js'

export const TEST_PASSWORD = 'correct horse battery staple'

export interface ForceFixture {
  code: string
  /** A word that appears in every name and email of this force's data, to look for in responses. */
  marker: string
  users: Record<'force-admin' | 'force-caseworker' | 'staff', { id: string; email: string }>
  apiToken: { id: string; token: string }
}

export interface TwoForces {
  alpha: ForceFixture
  bravo: ForceFixture
  inspectorateAdmin: { id: string; email: string }
}

async function buildForce(services: Services, code: string, marker: string): Promise<ForceFixture> {
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
  return { code, marker, users, apiToken: { id: record.id, token } }
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
  return { alpha, bravo, inspectorateAdmin: { id: user.id, email: user.email } }
}
