import { type Caller, requireRole } from '../../domain/access.js'
import { CASE_LINK_LABELS, type CaseLinkType } from '../../domain/cases.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import { linkSchema, registerSearchSchema } from './fields.js'
import type { CaseLinkView, RegisterMatch } from './present.js'
import { type CaseRow, insertLink, selectLinks } from './queries.js'
import { selectRegisterMatches } from './register-search.js'
import { CASE_KEEPERS, CasesWorkflow } from './workflow.js'

/** How many register entries a search for one to link shows: more asks for more words. */
export const REGISTER_MATCHES_SHOWN = 20

const LINK_PATHS: Record<CaseLinkType, string> = {
  'business-interest': '/business-interests',
  'gift-hospitality': '/gifts-hospitality',
  'media-contact': '/media-contacts',
}

/** A case's links to entries of the force's registers: what each is, finding one, linking it. */
export class CaseLinks extends CasesWorkflow {
  async describeLink(caller: Caller, type: CaseLinkType, id: string): Promise<CaseLinkView> {
    const base = {
      entityType: type,
      entityId: id,
      typeLabel: CASE_LINK_LABELS[type],
      href: `${LINK_PATHS[type]}/${id}`,
    }
    try {
      if (type === 'business-interest') {
        const entry = await this.registers.businessInterests.find(caller, id)
        return { ...base, label: `${entry.nature} (${entry.category})` }
      }
      if (type === 'gift-hospitality') {
        const entry = await this.registers.giftsHospitality.find(caller, id)
        return { ...base, label: `${entry.description}, from ${entry.donorName}` }
      }
      const entry = await this.registers.mediaContacts.find(caller, id)
      return { ...base, label: `${entry.journalist}, ${entry.outlet}`, on: entry.contactOn }
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ForbiddenError)
        return { ...base, label: 'A record you cannot see' }
      throw error
    }
  }

  private async entryForce(caller: Caller, type: CaseLinkType, id: string): Promise<number> {
    if (type === 'business-interest')
      return (await this.registers.businessInterests.find(caller, id)).force.id
    if (type === 'gift-hospitality') return (await this.registers.giftsHospitality.find(caller, id)).forceId
    return (await this.registers.mediaContacts.find(caller, id)).forceId
  }

  /**
   * The entries of the case's force's registers in which every word searched for appears, latest
   * first, to choose one to link to the case without typing its identifier. Only for someone who may
   * change the case: another force's case is not found, a confidential one not named to them refused.
   */
  async findRegisterEntries(
    caller: Caller,
    caseId: string,
    input: Record<string, unknown>,
  ): Promise<{ matches: RegisterMatch[]; more: boolean }> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = await this.writableCaseForce(caller, caseId)
    const { q: words, register } = parseOrThrow(registerSearchSchema, input)
    return this.scoped(caller, async (tx) => {
      const rows = await selectRegisterMatches(tx, forceId, words, register, REGISTER_MATCHES_SHOWN + 1)
      const linked = new Set(
        (await selectLinks(tx, caseId)).map((link) => `${link.entityType}/${link.entityId}`),
      )
      const latestFirst = rows.sort(
        (a, b) => b.on.localeCompare(a.on) || a.entityId.localeCompare(b.entityId),
      )
      return {
        matches: latestFirst.slice(0, REGISTER_MATCHES_SHOWN).map((row) => ({
          ...row,
          linked: linked.has(`${row.entityType}/${row.entityId}`),
        })),
        more: latestFirst.length > REGISTER_MATCHES_SHOWN,
      }
    })
  }

  /** Links a register entry of the same force: a business interest, a gift or hospitality, a media contact. */
  async addLink(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = await this.writableCaseForce(caller, caseId)
    const { entityType, entityId } = parseOrThrow(linkSchema, input)
    const missing = new ValidationError({ entityId: 'There is no such record in your force’s registers' })
    let entryForce: number
    try {
      entryForce = await this.entryForce(caller, entityType, entityId)
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ForbiddenError) throw missing
      throw error
    }
    if (entryForce !== forceId) throw missing
    return this.change(caller, caseId, 'link', async (tx, row) => {
      await insertLink(tx, { caseId, forceId: row.forceId, entityType, entityId, addedAt: this.now() })
      return { link: { entityType, entityId } }
    })
  }
}
