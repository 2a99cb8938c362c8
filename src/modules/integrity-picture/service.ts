import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { actingId, type Caller, requireRole } from '../../domain/access.js'
import {
  evaluateIndicator,
  INDICATOR_NAMES,
  INDICATORS,
  type Indicator,
  type IndicatorResult,
  type IndicatorSetting,
  settingsWithDefaults,
  THRESHOLD_LIMITS,
  WINDOW_LIMITS,
  windowText,
} from '../../domain/early-intervention.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import type { AlertsService } from '../alerts/service.js'
import { type AuditService, appendAuditEvent } from '../audit/service.js'
import type { BusinessInterestsService } from '../business-interests/service.js'
import type { GiftsHospitalityService } from '../gifts-hospitality/service.js'
import type { IntegrityCasesService } from '../integrity-cases/service.js'
import type { MediaContactsService } from '../media-contacts/service.js'
import type { PoliciesService } from '../policies/service.js'
import type { RosterService, StaffMember } from '../roster/service.js'
import { type PersonRecords, type TimelineEntry, timelineOf } from './present.js'
import { selectSettings, upsertSettings } from './queries.js'

/** Who reads a person's picture: their own force's caseworkers (and administrators); no one else. */
export const PICTURE_READERS: Role[] = ['force-caseworker']
/** Who sets the force's lines: its administrators. */
export const LINE_SETTERS: Role[] = ['force-admin']
/** The audit trail's name for a picture: each view is an event of this type about the person. */
export const PICTURE_ENTITY = 'integrity-picture'
export const SETTINGS_ENTITY = 'early-intervention-settings'
/** The most records of each register one picture reads, newest first: years of any one person's. */
const RECORDS_PER_REGISTER = 500
/** The most recent views the page lists. */
const VIEWS_SHOWN = 50

export interface IntegrityPicture {
  member: StaffMember
  entries: TimelineEntry[]
  indicators: IndicatorResult[]
  /** Who viewed this picture and when, newest first (this view included). */
  views: { occurredAt: string; actor: string }[]
  totalViews: number
}

export interface IndicatorSettingView extends IndicatorSetting {
  title: string
  unit: string
  windowText: string
}

export interface PictureSources {
  roster: RosterService
  businessInterests: BusinessInterestsService
  giftsHospitality: GiftsHospitalityService
  mediaContacts: MediaContactsService
  integrityCases: IntegrityCasesService
  policies: PoliciesService
  alerts: AlertsService
  audit: AuditService
}

function ownForce(caller: Caller, roles: Role[]): number {
  requireRole(caller, ...roles)
  if (caller.scope.kind !== 'force')
    throw new ForbiddenError('A person’s integrity picture is their own force’s')
  return caller.scope.forceId
}

const whole = (label: string, { min, max }: { min: number; max: number }) =>
  z.coerce
    .number(`${label} must be a whole number`)
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be ${min} or more`)
    .max(max, `${label} must be ${max} or fewer`)

/**
 * A person's integrity picture: every register's records about one member of staff on one timeline,
 * with the force's early-intervention indicators over them and who has looked. Reading it is itself
 * recorded in the audit trail, since it gathers what no single register shows.
 */
export class IntegrityPictureService {
  constructor(
    private readonly db: Database,
    private readonly sources: PictureSources,
    private readonly now: () => Date,
  ) {}

  private inForce<T>(caller: Caller, work: (tx: Transaction) => Promise<T>) {
    return inScope(this.db, caller.scope, work, actingId(caller))
  }

  async picture(caller: Caller, staffMemberId: string): Promise<IntegrityPicture> {
    const forceId = ownForce(caller, PICTURE_READERS)
    const { roster, businessInterests, giftsHospitality, mediaContacts, integrityCases, policies, alerts } =
      this.sources
    const member = await roster.find(caller, staffMemberId)
    const now = this.now()
    await this.inForce(caller, (tx) =>
      appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: PICTURE_ENTITY, entityId: member.id, action: 'view' },
        now,
      ),
    )
    const page = { offset: 0, limit: RECORDS_PER_REGISTER }
    const person = { forceId, staffMemberId: member.id }
    const records: PersonRecords = {
      secondJobs: (await businessInterests.list(caller, person, 'submitted', 'desc', page)).items,
      gifts: (await giftsHospitality.list(caller, person, { sort: 'offered', order: 'desc' }, page)).gifts,
      mediaContacts: (await mediaContacts.list(caller, person, { sort: 'date', order: 'desc' }, page))
        .contacts,
      cases: (
        await integrityCases.list(
          caller,
          { forceId, subjectId: member.id },
          { sort: 'opened', order: 'desc' },
          page,
        )
      ).cases,
      policies: await policies.requestsOf(caller, member.id),
      alerts: await alerts.forStaffMember(caller, member.id),
    }
    const today = londonToday(now)
    const settings = await this.inForce(caller, (tx) => selectSettings(tx, forceId))
    const daysOf: Record<Indicator, string[]> = {
      gifts: records.gifts.map((gift) => gift.offeredOn),
      'media-contacts': records.mediaContacts.map((contact) => contact.contactOn),
      cases: records.cases.map((found) => found.openedOn),
      alerts: records.alerts.map((alert) => alert.occurredOn),
    }
    const viewEvents = (await this.sources.audit.history(caller, PICTURE_ENTITY, member.id))
      .filter((event) => event.action === 'view')
      .reverse()
    return {
      member,
      entries: timelineOf(records, today),
      indicators: settingsWithDefaults(settings).map((setting) =>
        evaluateIndicator(setting, daysOf[setting.indicator], today),
      ),
      views: viewEvents
        .slice(0, VIEWS_SHOWN)
        .map((event) => ({ occurredAt: event.occurredAt, actor: event.actorLabel })),
      totalViews: viewEvents.length,
    }
  }

  /** The force's line and window for each indicator: what it stored, or the defaults. */
  async settings(caller: Caller): Promise<IndicatorSettingView[]> {
    const forceId = ownForce(caller, PICTURE_READERS)
    const stored = await this.inForce(caller, (tx) => selectSettings(tx, forceId))
    return settingsWithDefaults(stored).map((setting) => {
      const { title, unit } = INDICATORS[setting.indicator]
      return { ...setting, title, unit, windowText: windowText(setting.window, unit) }
    })
  }

  /**
   * The force administrator's lines and windows (`<indicator>-threshold` and `<indicator>-window`
   * fields, every one required), checked whole before any is stored. Audited.
   */
  async saveSettings(caller: Caller, input: Record<string, unknown>): Promise<void> {
    const forceId = ownForce(caller, LINE_SETTERS)
    const errors: Record<string, string> = {}
    const settings = INDICATOR_NAMES.map((indicator) => {
      const { title, unit } = INDICATORS[indicator]
      const what = title.toLowerCase()
      const read = (field: string, label: string, limits: { min: number; max: number }) => {
        const name = `${indicator}-${field}`
        const raw = input[name]
        if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
          errors[name] = `Enter ${label.charAt(0).toLowerCase()}${label.slice(1)}`
          return 0
        }
        const parsed = whole(label, limits).safeParse(typeof raw === 'string' ? raw.trim() : raw)
        if (!parsed.success) errors[name] = parsed.error.issues[0]?.message ?? `Check ${label}`
        return parsed.success ? parsed.data : 0
      }
      return {
        indicator,
        threshold: read('threshold', `The line for ${what}`, THRESHOLD_LIMITS),
        window: read('window', `The number of ${unit} for ${what}`, WINDOW_LIMITS[unit]),
      }
    })
    if (Object.keys(errors).length) throw new ValidationError(errors)
    const now = this.now()
    await this.inForce(caller, async (tx) => {
      const before = await selectSettings(tx, forceId)
      await upsertSettings(tx, forceId, settings, now)
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: SETTINGS_ENTITY, entityId: null, action: 'update', before, after: settings },
        now,
      )
    })
  }
}
