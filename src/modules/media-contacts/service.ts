import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import type { Searches } from '../../db/searches.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import {
  type Caller,
  callerHas,
  forceToChange,
  mayReadRecord,
  readableFilter,
  requireRole,
  userIdOf,
} from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { orderedFieldErrors } from '../../domain/validation.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import { type AuditEvent, type AuditService, appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { StaffDirectory, StaffMemberReference } from '../gifts-hospitality/service.js'
import type { PendingImportsService, StaffRowsImport, StaffRowsPreview } from '../imports/service.js'
import {
  contactFields,
  contactSchema,
  importRowSchema,
  onBehalfSchema,
  REQUIRED_IMPORT_COLUMNS,
} from './fields.js'
import {
  type MediaContactFilter,
  type MediaContactRow,
  type MediaContactWithStaff,
  type MediaSort,
  sameContactKey,
  selectContactCount,
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

/** A contact an import would add, as its preview lists it. */
interface ImportedContact {
  staffNumber: string
  staffName: string
  journalist: string
  outlet: string
  contactOn: string
}

export type MediaImportPreview = StaffRowsPreview<ImportedContact>

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

/** An upload of historic contacts: checked row by row, then written in one go when confirmed. */
const IMPORT: StaffRowsImport<typeof importRowSchema, PendingRow, ImportedContact, StaffMemberReference> = {
  register: MEDIA_REGISTER,
  entityType: ENTITY,
  schema: importRowSchema,
  requiredColumns: REQUIRED_IMPORT_COLUMNS,
  problemsOf: (value, today) =>
    value.contact_on > today ? ['contact_on: must be today or in the past'] : [],
  toRow: (value, member) => ({
    staffMemberId: member.id,
    journalist: value.journalist,
    outlet: value.outlet,
    contactOn: value.contact_on,
    method: value.method,
    purpose: value.purpose,
    discussed: value.discussed,
    authorisedBy: value.authorised_by,
  }),
  dayOf: (row) => row.contactOn,
  existingKeys: selectContactKeys,
  keyOf: sameContactKey,
  listed: (_value, row, member) => ({
    staffNumber: member.staffNumber,
    staffName: member.name,
    journalist: row.journalist,
    outlet: row.outlet,
    contactOn: row.contactOn,
  }),
  insert: (tx, rows, { forceId, recordedBy, now }) =>
    tx
      .insert(mediaContacts)
      .values(rows.map((row) => ({ ...row, forceId, recordedBy, createdAt: now, updatedAt: now }))),
}

export class MediaContactsService {
  constructor(
    private readonly db: Database,
    private readonly roster: StaffDirectory,
    private readonly audit: AuditService,
    private readonly pendingImports: PendingImportsService,
    private readonly now: () => Date,
    private readonly searches: Searches,
  ) {}

  /** Whether the caller logs contacts for others (by staff number) rather than only for themselves. */
  recordsForOthers(caller: Caller): boolean {
    return callerHas(caller, MEDIA_KEEPERS)
  }

  private dateProblems(contactOn: string | undefined): Record<string, string> {
    if (contactOn && contactOn > londonToday(this.now()))
      return { contactOn: 'Date of the contact must be today or in the past' }
    if (contactOn && contactOn < '1990-01-01') return { contactOn: 'Date of the contact must be after 1990' }
    return {}
  }

  /**
   * Logs a contact with the media. A caseworker names the member of staff by staff number; anyone
   * else logs their own, and must be linked to the roster.
   */
  async create(caller: Caller, input: Record<string, unknown>, forceId?: number): Promise<MediaContactView> {
    requireRole(caller, 'staff')
    const force = forceToChange(caller, forceId)
    if (!this.recordsForOthers(caller)) {
      const staffMemberId = caller.principal?.staffMemberId
      if (!staffMemberId)
        throw new ForbiddenError('Your account is not linked to an entry on your force’s staff roster')
      const parsed = contactSchema.safeParse(input)
      const extra = this.dateProblems(parsed.success ? parsed.data.contactOn : undefined)
      if (!parsed.success || Object.keys(extra).length)
        throw new ValidationError(
          orderedFieldErrors(Object.keys(contactFields), parsed.success ? [] : parsed.error.issues, extra),
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
        orderedFieldErrors(
          Object.keys(onBehalfSchema.shape),
          parsed.success ? [] : parsed.error.issues,
          extra,
        ),
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
          recordedBy: userIdOf(caller),
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

  async list(
    caller: Caller,
    filter: MediaContactFilter,
    order: { sort: MediaSort; order: 'asc' | 'desc' },
    page: { offset: number; limit: number },
  ): Promise<ListTotal & { contacts: MediaContactView[] }> {
    requireRole(caller, ...MEDIA_READERS)
    const scoped = readableFilter(caller, filter)
    const { rows, ...total } = await this.searches.inScope(this.db, caller.scope, !!filter.search, (tx) =>
      selectMediaContacts(tx, scoped, order, page),
    )
    return { ...total, contacts: rows }
  }

  /** How many contacts the force logged in a period (by date of contact, both ends included): the dashboard's figure. */
  async dashboardCounts(
    caller: Caller,
    forceId: number,
    period: { from: string; to: string },
  ): Promise<{ contacts: number }> {
    requireRole(caller, ...MEDIA_READERS)
    if (caller.scope.kind === 'force' && caller.scope.forceId !== forceId) throw new NotFoundError()
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    return inScope(this.db, caller.scope, (tx) => selectContactCount(tx, forceId, period.from, period.to))
  }

  /** Everything the filters select, for a download; the download is audited with the filters. */
  async exportRows(
    caller: Caller,
    filter: MediaContactFilter,
    order: { sort: MediaSort; order: 'asc' | 'desc' },
    format: string,
  ): Promise<MediaContactView[]> {
    requireRole(caller, ...MEDIA_READERS)
    const scoped = readableFilter(caller, filter)
    return this.searches.inScope(this.db, caller.scope, !!filter.search, async (tx) => {
      const { rows } = await selectMediaContacts(tx, scoped, order)
      const forceId = caller.scope.kind === 'force' ? caller.scope.forceId : null
      await appendExportEvent(
        tx,
        caller.actor,
        { forceId, entityType: ENTITY, format, rows: rows.length, filters: filter },
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
    if (!row || !mayReadRecord(caller, row, MEDIA_READERS)) throw new NotFoundError('No such media contact')
    return row
  }

  /** Checks an upload of historic contacts and says what it would do; writes nothing to the register. */
  async dryRunImport(caller: Caller, file: UploadedFile, forceId?: number): Promise<MediaImportPreview> {
    requireRole(caller, ...MEDIA_KEEPERS)
    const force = forceToChange(caller, forceId)
    return this.pendingImports.previewStaffRows(caller, force, file, this.roster, IMPORT)
  }

  /** Writes a checked import: every row or none, in one transaction, with one audit event. */
  async confirmImport(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
    requireRole(caller, ...MEDIA_KEEPERS)
    return this.pendingImports.confirm(caller, importId, IMPORT)
  }
}
