import { CASE_LINK_LABELS, type CaseLinkType } from '../../domain/cases.js'
import type { RegisterMatch } from './service.js'

/** One row of the search for a register entry to link: which register, who, what, when. */
export interface RegisterMatchView {
  entityType: CaseLinkType
  entityId: string
  register: string
  who: string
  what: string
  detail: string | null
  /** 2012-03-27, shown by the `formatDate` filter. */
  on: string
  linked: boolean
}

const DETAIL: Record<CaseLinkType, (other: string) => string> = {
  'business-interest': (employer) => `Employer: ${employer}`,
  'gift-hospitality': (donor) => `From ${donor}`,
  'media-contact': (purpose) => `About: ${purpose}`,
}

export function presentRegisterMatch(match: RegisterMatch): RegisterMatchView {
  return {
    entityType: match.entityType,
    entityId: match.entityId,
    register: CASE_LINK_LABELS[match.entityType],
    who: `${match.staffName} (${match.staffNumber})`,
    what: match.what,
    detail: match.other ? DETAIL[match.entityType](match.other) : null,
    on: match.on,
    linked: match.linked,
  }
}
