/**
 * Who may do what. A force role always belongs to exactly one force; an inspectorate role to none.
 * Broader roles include the narrower ones of the same side, so checks ask "at least".
 */
export const ROLES = [
  'inspectorate-admin',
  'inspector',
  'researcher',
  'force-admin',
  'force-caseworker',
  'staff',
] as const
export type Role = (typeof ROLES)[number]

export const INSPECTORATE_ROLES: readonly Role[] = ['inspectorate-admin', 'inspector', 'researcher']
export const FORCE_ROLES: readonly Role[] = ['force-admin', 'force-caseworker', 'staff']

export const ROLE_LABELS: Record<Role, string> = {
  'inspectorate-admin': 'Inspectorate administrator',
  inspector: 'Inspector',
  researcher: 'Researcher (desk research of staff’s public social media)',
  'force-admin': 'Force administrator (head of professional standards)',
  'force-caseworker': 'Caseworker (professional standards or anti-corruption unit)',
  staff: 'Member of staff',
}

export function isForceRole(role: Role): boolean {
  return FORCE_ROLES.includes(role)
}

/** Roles that `role` includes: an inspectorate admin is also an inspector; a force admin a caseworker. */
const INCLUDES: Record<Role, readonly Role[]> = {
  'inspectorate-admin': ['inspectorate-admin', 'inspector', 'researcher'],
  inspector: ['inspector'],
  // A researcher is an inspector who may also see the desk research's personal data.
  researcher: ['researcher', 'inspector'],
  'force-admin': ['force-admin', 'force-caseworker', 'staff'],
  'force-caseworker': ['force-caseworker', 'staff'],
  staff: ['staff'],
}

export function hasRole(role: Role, wanted: Role): boolean {
  return INCLUDES[role].includes(wanted)
}

/** Which roles an administrator may give: their own side, never more than they have. */
export function assignableRoles(adminRole: Role): Role[] {
  if (adminRole === 'inspectorate-admin') return [...ROLES]
  if (adminRole === 'force-admin') return [...FORCE_ROLES]
  return []
}
