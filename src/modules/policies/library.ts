import { isUniqueViolation } from '../../db/errors.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { POLICY_AREAS } from '../../domain/inspections.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import { newPolicySchema } from './fields.js'
import { type LibraryArea, libraryAreas, type PolicyWithVersions } from './present.js'
import {
  insertPolicy,
  type PolicyRow,
  selectForceVersions,
  selectPolicies,
  selectPolicyVersions,
} from './queries.js'
import { otherAreaCode } from './rules.js'
import { POLICY_ENTITY, POLICY_MANAGERS, POLICY_READERS, PoliciesWorkflow } from './workflow.js'

/** The force's library: a policy per integrity area, each with its versions. */
export class PolicyLibrary extends PoliciesWorkflow {
  /** Every area (the six national ones, then the force's own) with its policy and versions. */
  async library(caller: Caller, forceId?: number): Promise<LibraryArea[]> {
    requireRole(caller, ...POLICY_READERS)
    const force = this.readingForce(caller, forceId)
    const { rows, versions } = await this.scoped(caller, async (tx) => ({
      rows: await selectPolicies(tx, force),
      versions: await selectForceVersions(tx, force),
    }))
    return libraryAreas(rows, versions)
  }

  /** The areas that do not have a policy yet, for the new policy form. */
  async freeAreas(caller: Caller, forceId?: number): Promise<{ code: string; name: string }[]> {
    const library = await this.library(caller, forceId)
    return library.filter((area) => !area.policy).map((area) => ({ code: area.area, name: area.areaName }))
  }

  async createPolicy(caller: Caller, input: Record<string, unknown>, forceId?: number): Promise<PolicyRow> {
    requireRole(caller, ...POLICY_MANAGERS)
    const force = this.changingForce(caller, forceId)
    const values = parseOrThrow(newPolicySchema, input)
    let area = values.area
    let areaName: string | undefined = POLICY_AREAS.find((candidate) => candidate.code === area)?.name
    if (area === 'other') {
      if (!values.areaName) throw new ValidationError({ areaName: 'Enter the name of the area' })
      area = otherAreaCode(values.areaName)
      areaName = values.areaName
    }
    if (!areaName) throw new ValidationError({ area: 'Select the integrity area' })
    const now = this.now()
    try {
      return await this.scoped(caller, async (tx) => {
        const row = await insertPolicy(tx, {
          forceId: force,
          area,
          areaName,
          title: values.title,
          createdAt: now,
          updatedAt: now,
        })
        if (!row) throw new Error('the policy was not saved')
        await appendAuditEvent(
          tx,
          caller.actor,
          { forceId: force, entityType: POLICY_ENTITY, entityId: row.id, action: 'create', after: row },
          now,
        )
        return row
      })
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ValidationError({ area: 'The force already has a policy for that area' })
      throw error
    }
  }

  /** A policy and all its versions, for its page. */
  async findPolicy(caller: Caller, policyId: string): Promise<PolicyWithVersions> {
    requireRole(caller, ...POLICY_READERS)
    return this.scoped(caller, async (tx) => {
      const policy = await this.policyRow(tx, caller, policyId)
      const versions = await selectPolicyVersions(tx, policy.id)
      return { policy, versions }
    })
  }

  /** The policy a version of which is about to be written, checked for the manager's force. */
  async findPolicyToChange(caller: Caller, policyId: string): Promise<PolicyWithVersions> {
    requireRole(caller, ...POLICY_MANAGERS)
    const found = await this.findPolicy(caller, policyId)
    this.changingForce(caller, found.policy.forceId)
    return found
  }
}
