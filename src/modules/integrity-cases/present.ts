import { CASE_LINK_LABELS, type CaseLinkType } from '../../domain/cases.js'
import type { AuditEvent } from '../audit/service.js'
import type { CaseHeader, CaseListRow, selectNamed, selectNotes, selectSubjects } from './queries.js'
import type { RegisterMatchRow } from './register-search.js'

export interface CaseLinkView {
  entityType: CaseLinkType
  entityId: string
  typeLabel: string
  label: string
  /** The day the entry is about, where the label does not say it (shown as 27 March 2012). */
  on?: string
  href: string
}

export interface CaseDetail {
  case: CaseListRow
  subjects: Awaited<ReturnType<typeof selectSubjects>>
  links: CaseLinkView[]
  notes: Awaited<ReturnType<typeof selectNotes>>
  named: Awaited<ReturnType<typeof selectNamed>>
}

export type CaseLookup = { restricted: true; header: CaseHeader } | { restricted: false; detail: CaseDetail }

export interface TimelineEntry {
  at: Date
  who: string
  what: string
  detail: string | null
}

/** A register entry a search found, and whether the case links it already. */
export interface RegisterMatch extends RegisterMatchRow {
  linked: boolean
}

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

const ACTIONS: Record<string, string> = {
  open: 'Case opened',
  'add-subject': 'Subject added',
  'remove-subject': 'Subject removed',
  link: 'Register entry linked',
  assign: 'Assigned',
  target: 'Target date changed',
  status: 'Status changed',
  close: 'Closed',
  note: 'Note added',
  restrict: 'Made confidential',
  unrestrict: 'No longer confidential',
  name: 'Caseworker named',
  unname: 'Caseworker taken off',
}

function describe(event: AuditEvent): string | null {
  const after = (event.after ?? {}) as Record<string, unknown>
  if (after.confidential === true && Array.isArray(after.changed)) return null
  if (event.action === 'status') return `Now ${String(after.status)}`
  if (event.action === 'close') return `${String(after.outcome)}, ${String(after.closedOn)}`
  if (event.action === 'target')
    return after.targetDate ? `Target ${String(after.targetDate)}` : 'No target date'
  if (event.action === 'add-subject') return `Staff number ${String(after.subject)}`
  return null
}

/** The case's history and notes together, oldest first. */
export function timelineOf(
  history: AuditEvent[],
  notes: { createdAt: Date; authorLabel: string; text: string }[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = history
    .filter((event) => event.action !== 'note')
    .map((event) => ({
      at: new Date(event.occurredAt),
      who: event.actorLabel,
      what: ACTIONS[event.action] ?? event.action,
      detail: describe(event),
    }))
  for (const note of notes)
    entries.push({ at: new Date(note.createdAt), who: note.authorLabel, what: 'Note', detail: note.text })
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime())
}
