import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { hasRole, type Role } from '../../domain/roles.js'
import { readSpreadsheet, SpreadsheetError, type UploadedFile } from '../../spreadsheets/read.js'
import { type RowProblem, validateRows } from '../../spreadsheets/validate.js'
import { type AuditEvent, type AuditService, appendAuditEvent } from '../audit/service.js'
import type { StaffDirectory, StaffMemberReference } from '../gifts-hospitality/service.js'
import type { PendingImportsService } from '../imports/service.js'
import {
  contactFields,
  contactSchema,
  importRowSchema,
  londonToday,
  onBehalfSchema,
  REQUIRED_IMPORT_COLUMNS,
} from './fields.js'
import {
  type MediaContactFilter,
  type MediaContactRow,
  type MediaContactWithStaff,
  type MediaSort,
  sameContactKey,
  selectContactKeys,
  selectMediaContact,
  selectMediaContacts,
} from './queries.js'
import { mediaContacts } from './schema.js'

/** Who reads the whole register: the force's caseworkers and admins, and the inspectorate. */
export const MEDIA_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who keeps it: records for others, imports. */
export const MEDIA_KEEPERS: Role[] = ['force-caseworker']

export const MEDIA_REGISTER = 'media-contacts'
const ENTITY = 'media-contact'

export type MediaContactView = MediaContactWithStaff

export interface MediaImportPreview {
  filename: string
  rows: number
  create: {
    line: number
    staffNumber: string
    staffName: string
    journalist: string
    outlet: string
    contactOn: string
  }[]
  unchanged: number
  problems: RowProblem[]
  importId?: string
}

type PendingRow = Pick<
  MediaContactRow,
  | 'staffMemberId'
  | 'journalist'
  | 'outlet'
  | 'contactOn'
  | 'method'
  | 'purpose'
  | 'discussed'
  | 'authorisedBy'
>

function fieldErrors(
  order: readonly string[],
  issues: readonly z.core.$ZodIssue[],
  extra: Record<string, string> = {},
): Record<string, string> {
  const found: Record<string, string> = {}
  for (const issue of issues) found[String(issue.path[0] ?? 'form')] ??= issue.message
  for (const [field, message] of Object.entries(extra)) found[field] ??= message
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length)
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => rank(a) - rank(b)))
}

const userId = (caller: Caller) => (caller.principal?.kind === 'user' ? caller.principal.id : null)

function callerHas(caller: Caller, roles: Role[]): boolean {
  if (caller.actor.type === 'system') return true
  const role = caller.principal?.role
  return !!role && roles.some((wanted) => hasRole(role, wanted))
}

export class MediaContactsService {
  constructor(
    private readonly db: Database,
    private readonly roster: StaffDirectory,
    private readonly audit: AuditService,
    private readonly pendingImports: PendingImportsService,
    private readonly now: () => Date,
  ) {}

  private forceFor(caller: Caller, requested?: number): number {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId) throw new NotFoundError()
      return caller.scope.forceId
    }
    if (caller.actor.type === 'system' && requested !== undefined) return requested
    throw new ForbiddenError('Only a force can change its own registers')
  }

  /** Whether the caller logs contacts for others (by staff number) rather than only for themselves. */
  recordsForOthers(caller: Caller): boolean {
    return callerHas(caller, MEDIA_KEEPERS)
  }

  private dateProblems(contactOn: string | undefined): Record<string, string> {
    if (contactOn && contactOn > londonToday(this.now()))
      return { contactOn: 'The date of the contact must be today or in the past' }
    if (contactOn && contactOn < '1990-01-01')
      return { contactOn: 'The date of the contact must be after 1990' }
    return {}
  }

  /**
   * Logs a contact with the media. A caseworker names the member of staff by staff number; anyone
   * else logs their own, and must be linked to the roster.
   */
  async create(caller: Caller, input: Record<string, unknown>, forceId?: number): Promise<MediaContactView> {
    requireRole(caller, 'staff')
    const force = this.forceFor(caller, forceId)
    if (!this.recordsForOthers(caller)) {
      const staffMemberId = caller.principal?.staffMemberId
      if (!staffMemberId)
        throw new ForbiddenError('Your account is not linked to an entry on your force’s staff roster')
      const parsed = contactSchema.safeParse(input)
      const extra = this.dateProblems(parsed.success ? parsed.data.contactOn : undefined)
      if (!parsed.success || Object.keys(extra).length)
        throw new ValidationError(
          fieldErrors(Object.keys(contactFields), parsed.success ? [] : parsed.error.issues, extra),
        )
      return this.insert(caller, force, staffMemberId, parsed.data)
    }
    const parsed = onBehalfSchema.safeParse(input)
    const extra = this.dateProblems(parsed.success ? parsed.data.contactOn : undefined)
    const number = typeof input.staffNumber === 'string' ? input.staffNumber.trim() : ''
    let staff: StaffMemberReference | undefined | null
    if (number) {
      staff = await this.roster.findByStaffNumber(caller, force, number)
      if (!staff) extra.staffNumber = `There is no member of staff with staff number ${number} on the roster`
    }
    if (!parsed.success || Object.keys(extra).length || !staff)
      throw new ValidationError(
        fieldErrors(Object.keys(onBehalfSchema.shape), parsed.success ? [] : parsed.error.issues, extra),
      )
    const { staffNumber: _number, ...contact } = parsed.data
    return this.insert(caller, force, staff.id, contact)
  }

  private async insert(
    caller: Caller,
    forceId: number,
    staffMemberId: string,
    values: z.output<typeof contactSchema>,
  ): Promise<MediaContactView> {
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const [created] = await tx
        .insert(mediaContacts)
        .values({
          ...values,
          forceId,
          staffMemberId,
          recordedBy: userId(caller),
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: ENTITY, entityId: created.id, action: 'create', after: created },
        now,
      )
      const row = await selectMediaContact(tx, created.id)
      if (!row) throw new Error('the new record is not visible')
      return row
    })
  }

  private scopedFilter(caller: Caller, filter: MediaContactFilter): MediaContactFilter {
    if (caller.scope.kind === 'force') return { ...filter, forceId: caller.scope.forceId }
    if (caller.scope.kind === 'inspectorate') return filter
    throw new ForbiddenError()
  }

  async list(
    caller: Caller,
    filter: MediaContactFilter,
    order: { sort: MediaSort; order: 'asc' | 'desc' },
    page: { offset: number; limit: number },
  ): Promise<{ total: number; contacts: MediaContactView[] }> {
    requireRole(caller, ...MEDIA_READERS)
    const scoped = this.scopedFilter(caller, filter)
    const { total, rows } = await inScope(this.db, caller.scope, (tx) =>
      selectMediaContacts(tx, scoped, order, page),
    )
    return { total, contacts: rows }
  }

  /** Everything the filters select, for a download; the download is audited with the filters. */
  async exportRows(
    caller: Caller,
    filter: MediaContactFilter,
    order: { sort: MediaSort; order: 'asc' | 'desc' },
    format: string,
  ): Promise<MediaContactView[]> {
    requireRole(caller, ...MEDIA_READERS)
    const scoped = this.scopedFilter(caller, filter)
    return inScope(this.db, caller.scope, async (tx) => {
      const { rows } = await selectMediaContacts(tx, scoped, order)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: caller.scope.kind === 'force' ? caller.scope.forceId : null,
          entityType: ENTITY,
          action: 'export',
          after: { format, rows: rows.length, filters: filter },
        },
        this.now(),
      )
      return rows
    })
  }

  async mine(caller: Caller): Promise<MediaContactView[]> {
    requireRole(caller, 'staff')
    const staffMemberId = caller.principal?.staffMemberId
    if (!staffMemberId || caller.scope.kind !== 'force') return []
    const forceId = caller.scope.forceId
    const { rows } = await inScope(this.db, caller.scope, (tx) =>
      selectMediaContacts(tx, { forceId, staffMemberId }, { sort: 'date', order: 'desc' }),
    )
    return rows
  }

  async find(caller: Caller, contactId: string): Promise<MediaContactView> {
    requireRole(caller, 'staff', 'inspector')
    return inScope(this.db, caller.scope, (tx) => this.selectVisible(tx, caller, contactId))
  }

  async findWithHistory(
    caller: Caller,
    contactId: string,
  ): Promise<{ contact: MediaContactView; history: AuditEvent[] }> {
    const contact = await this.find(caller, contactId)
    return { contact, history: await this.audit.history(caller, ENTITY, contact.id) }
  }

  private async selectVisible(tx: Transaction, caller: Caller, contactId: string): Promise<MediaContactView> {
    if (!z.uuid().safeParse(contactId).success) throw new NotFoundError('No such media contact')
    const row = await selectMediaContact(tx, contactId)
    if (!row) throw new NotFoundError('No such media contact')
    if (caller.scope.kind === 'force' && row.forceId !== caller.scope.forceId)
      throw new NotFoundError('No such media contact')
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate')
      throw new NotFoundError('No such media contact')
    if (!callerHas(caller, MEDIA_READERS) && row.staffMemberId !== caller.principal?.staffMemberId)
      throw new NotFoundError('No such media contact')
    return row
  }

  /** Checks an upload of historic contacts and says what it would do; writes nothing to the register. */
  async dryRunImport(caller: Caller, file: UploadedFile, forceId?: number): Promise<MediaImportPreview> {
    requireRole(caller, ...MEDIA_KEEPERS)
    const force = this.forceFor(caller, forceId)
    let sheet: Awaited<ReturnType<typeof readSpreadsheet>>
    try {
      sheet = await readSpreadsheet(file)
    } catch (error) {
      if (error instanceof SpreadsheetError) throw new ValidationError({ file: error.message })
      throw error
    }
    const present = new Set(Object.keys(sheet[0]?.values ?? {}))
    const missing = sheet.length ? REQUIRED_IMPORT_COLUMNS.filter((column) => !present.has(column)) : []
    if (missing.length)
      throw new ValidationError({ file: `${file.filename} has no column ${missing.join(', ')}` })
    const { valid, problems } = validateRows(sheet, importRowSchema)
    const today = londonToday(this.now())
    const staff = await this.roster.findByStaffNumbers(caller, force, [
      ...new Set(valid.map((row) => row.value.staff_number)),
    ])
    const dates = valid.map((row) => row.value.contact_on).sort()
    const existing = dates.length
      ? await inScope(this.db, caller.scope, (tx) =>
          selectContactKeys(tx, force, { from: dates[0] as string, to: dates[dates.length - 1] as string }),
        )
      : new Set<string>()
    const preview: MediaImportPreview = {
      filename: file.filename,
      rows: sheet.length,
      create: [],
      unchanged: 0,
      problems,
    }
    const pending: PendingRow[] = []
    for (const { line, value } of valid) {
      const member = staff.get(value.staff_number.trim().toUpperCase())
      const reasons: string[] = []
      if (!member)
        reasons.push(`staff_number: no member of staff with number ${value.staff_number} on the roster`)
      if (value.contact_on > today) reasons.push('contact_on: must be today or in the past')
      if (reasons.length || !member) {
        problems.push({ line, reason: reasons.join('; ') })
        continue
      }
      const row: PendingRow = {
        staffMemberId: member.id,
        journalist: value.journalist,
        outlet: value.outlet,
        contactOn: value.contact_on,
        method: value.method,
        purpose: value.purpose,
        discussed: value.discussed,
        authorisedBy: value.authorised_by,
      }
      if (existing.has(sameContactKey(row))) {
        preview.unchanged++
        continue
      }
      pending.push(row)
      preview.create.push({
        line,
        staffNumber: member.staffNumber,
        staffName: member.name,
        journalist: row.journalist,
        outlet: row.outlet,
        contactOn: row.contactOn,
      })
    }
    problems.sort((a, b) => a.line - b.line)
    if (!problems.length && pending.length)
      preview.importId = await this.pendingImports.save(caller, force, MEDIA_REGISTER, file.filename, pending)
    return preview
  }

  /** Writes a checked import: every row or none, in one transaction, with one audit event. */
  async confirmImport(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
    requireRole(caller, ...MEDIA_KEEPERS)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const taken = await this.pendingImports.take(tx, MEDIA_REGISTER, importId)
      if (caller.scope.kind === 'force' && taken.forceId !== caller.scope.forceId)
        throw new NotFoundError('That import has expired or was already confirmed')
      const rows = taken.rows as PendingRow[]
      for (let start = 0; start < rows.length; start += 500) {
        await tx.insert(mediaContacts).values(
          rows.slice(start, start + 500).map((row) => ({
            ...row,
            forceId: taken.forceId,
            recordedBy: userId(caller),
            createdAt: now,
            updatedAt: now,
          })),
        )
      }
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: taken.forceId,
          entityType: ENTITY,
          entityId: null,
          action: 'import',
          after: { filename: taken.filename, created: rows.length },
        },
        now,
      )
      return { created: rows.length, filename: taken.filename }
    })
  }
}
