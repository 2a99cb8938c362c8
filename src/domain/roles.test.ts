import { describe, expect, it } from 'vitest'
import { assignableRoles, hasRole, isForceRole } from './roles.js'

describe('roles', () => {
  it('includes narrower roles of the same side only', () => {
    expect(hasRole('inspectorate-admin', 'inspector')).toBe(true)
    expect(hasRole('force-admin', 'force-caseworker')).toBe(true)
    expect(hasRole('force-caseworker', 'staff')).toBe(true)
    expect(hasRole('staff', 'force-caseworker')).toBe(false)
    expect(hasRole('inspectorate-admin', 'force-admin')).toBe(false)
    expect(hasRole('force-admin', 'inspector')).toBe(false)
    // The research role: an inspectorate admin has it, a plain inspector does not; a researcher is an inspector.
    expect(hasRole('inspectorate-admin', 'researcher')).toBe(true)
    expect(hasRole('inspector', 'researcher')).toBe(false)
    expect(hasRole('researcher', 'inspector')).toBe(true)
    expect(hasRole('force-admin', 'researcher')).toBe(false)
  })

  it('tells force roles from inspectorate roles', () => {
    expect(isForceRole('staff')).toBe(true)
    expect(isForceRole('inspector')).toBe(false)
  })

  it('lets an admin assign only roles of their side', () => {
    expect(assignableRoles('force-admin')).toEqual(['force-admin', 'force-caseworker', 'staff'])
    expect(assignableRoles('inspectorate-admin')).toHaveLength(6)
    expect(assignableRoles('force-caseworker')).toEqual([])
  })
})
