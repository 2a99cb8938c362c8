import { eq } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import {
  applyDisclosureRule,
  DEFAULT_MINIMUM_GROUP,
  type Detail,
  LARGEST_MINIMUM_GROUP,
} from '../../domain/disclosure.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { GRADES, type Grade, isAtLeast, standardGrade } from '../../domain/grades.js'
import { appendAuditEvent } from '../audit/service.js'
import type { BusinessInterestsService } from '../business-interests/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { publicationSettings } from './schema.js'

/** Names are published only from this grade up unless the force says otherwise (NPCC practice). */
export const DEFAULT_NAMES_FROM_GRADE: Grade = 'Chief Superintendent'

export interface PublishedBusinessInterest {
  /** Only at or above the force's naming grade; null below it, and for grades not recognised. */
  name: string | null
  /** The grade, or (by the disclosure rule) its band or "All grades". */
  grade: string
  /** Null where the disclosure rule leaves it out. */
  unit: string | null
  /** How much of grade and unit the disclosure rule let through. */
  detail: Detail
  category: string
  nature: string
  hoursPerWeek: number | null
  paid: 'yes' | 'no'
  status: string
  decidedOn: string
}

export interface PublishedGift {
  name: string | null
  grade: string
  kind: string
  description: string
  donorName: string
  donorType: string
  estimatedValue: number
  offeredOn: string
  outcome: string
  disposal: string | null
}

/** What the gifts and hospitality register offers for publication (its own service). */
export interface GiftsSource {
  publishable(forceId: number): Promise<
    {
      grade: string
      name: string
      kind: string
      description: string
      donorName: string
      donorType: string
      estimatedValue: number
      offeredOn: string
      outcome: string
      disposal: string | null
    }[]
  >
}

/**
 * A force's published, anonymised registers: what the public may read. Each register's own service
 * reads its rows under the publication scope (one force, read-only); this decides whose name shows.
 */
export class PublishedRegistersService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly businessInterests: BusinessInterestsService,
    private readonly gifts: GiftsSource | undefined,
    private readonly now: () => Date,
  ) {}

  /** Whether the gifts and hospitality register is published too. */
  get hasGifts(): boolean {
    return this.gifts !== undefined
  }

  async force(code: string): Promise<ForceReference> {
    const force = (await this.forces.references()).find((candidate) => candidate.code === code)
    if (!force) throw new NotFoundError(`No force has the code ${code}`)
    return force
  }

  private async settingsOf(forceId: number): Promise<{ namesFromGrade: Grade; minimumGroup: number }> {
    const [settings] = await inScope(this.db, { kind: 'publication', forceId }, (tx) =>
      tx.select().from(publicationSettings).where(eq(publicationSettings.forceId, forceId)),
    )
    return {
      namesFromGrade: settings?.namesFromGrade ?? DEFAULT_NAMES_FROM_GRADE,
      minimumGroup: settings?.minimumGroup ?? DEFAULT_MINIMUM_GROUP,
    }
  }

  private async namesFromGrade(forceId: number): Promise<Grade> {
    return (await this.settingsOf(forceId)).namesFromGrade
  }

  private named(grade: string, name: string, threshold: Grade): string | null {
    return isAtLeast(grade, threshold) ? name : null
  }

  /** The landing page: what the force publishes, and from which grade names appear. */
  async landing(code: string) {
    const force = await this.force(code)
    return { force, namesFromGrade: await this.namesFromGrade(force.id), hasGifts: this.hasGifts }
  }

  /**
   * Approved, current business interests: names only from the naming grade up, who are published in
   * full; everyone else's grade, unit and category only as the disclosure rule allows (coarser, or
   * not at all, where too few people share them). Every published form is made from this.
   */
  async businessInterestsRegister(code: string) {
    const force = await this.force(code)
    const { namesFromGrade, minimumGroup } = await this.settingsOf(force.id)
    const rows = (await this.businessInterests.publishable(force.id)).map((row) => ({
      ...row,
      person: row.staffMemberId,
      name: this.named(row.grade, row.name, namesFromGrade),
      grade: standardGrade(row.grade) ?? row.grade,
    }))
    const disclosure = applyDisclosureRule(
      rows.filter((row) => row.name === null),
      minimumGroup,
    )
    const published = (
      row: (typeof rows)[number],
      shown: Pick<PublishedBusinessInterest, 'grade' | 'unit' | 'detail'>,
    ) => ({
      name: row.name,
      ...shown,
      category: row.category,
      nature: row.nature,
      hoursPerWeek: row.hoursPerWeek,
      paid: row.paid,
      status: row.status,
      decidedOn: row.decidedOn,
    })
    const disclosed = new Map(disclosure.shown.map((shown) => [shown.row, shown]))
    const interests: PublishedBusinessInterest[] = rows.flatMap((row) => {
      if (row.name !== null)
        return [published(row, { grade: row.grade, unit: row.unit, detail: 'grade and unit' })]
      const shown = disclosed.get(row)
      return shown ? [published(row, shown)] : []
    })
    return {
      force,
      namesFromGrade,
      interests,
      disclosure: { minimum: minimumGroup, coarsened: disclosure.coarsened, withheld: disclosure.withheld },
    }
  }

  /** Gifts and hospitality offered, accepted or declined, with names only from the naming grade up. */
  async giftsRegister(code: string) {
    if (!this.gifts) throw new NotFoundError('This register is not published yet')
    const force = await this.force(code)
    const namesFromGrade = await this.namesFromGrade(force.id)
    const rows = await this.gifts.publishable(force.id)
    const gifts: PublishedGift[] = rows.map((row) => ({
      name: this.named(row.grade, row.name, namesFromGrade),
      grade: standardGrade(row.grade) ?? row.grade,
      kind: row.kind,
      description: row.description,
      donorName: row.donorName,
      donorType: row.donorType,
      estimatedValue: row.estimatedValue,
      offeredOn: row.offeredOn,
      outcome: row.outcome,
      disposal: row.disposal,
    }))
    return { force, namesFromGrade, gifts }
  }

  /** The caller's force's publication settings (force administrators). */
  async settings(
    caller: Caller,
  ): Promise<{ force: ForceReference; namesFromGrade: Grade; minimumGroup: number }> {
    requireRole(caller, 'force-admin')
    if (caller.scope.kind !== 'force') throw new ForbiddenError('Only a force sets how it publishes')
    const forceId = caller.scope.forceId
    const force = (await this.forces.references()).find((candidate) => candidate.id === forceId)
    if (!force) throw new NotFoundError('No such force')
    return { force, ...(await this.settingsOf(forceId)) }
  }

  /** Changes the grade from which names are published and the disclosure rule's minimum; audited. */
  async updateSettings(caller: Caller, input: { namesFromGrade?: string; minimumGroup?: string }) {
    requireRole(caller, 'force-admin')
    if (caller.scope.kind !== 'force') throw new ForbiddenError('Only a force sets how it publishes')
    const forceId = caller.scope.forceId
    const errors: Record<string, string> = {}
    const namesFromGrade = GRADES.find((grade) => grade === input.namesFromGrade)
    if (!namesFromGrade) errors.namesFromGrade = 'Select the grade from which names are published'
    const minimumText = (input.minimumGroup ?? '').trim()
    const minimumGroup = minimumText === '' ? DEFAULT_MINIMUM_GROUP : Number(minimumText)
    if (
      !Number.isInteger(minimumGroup) ||
      minimumGroup < DEFAULT_MINIMUM_GROUP ||
      minimumGroup > LARGEST_MINIMUM_GROUP
    )
      errors.minimumGroup = `The smallest group must be a whole number from ${DEFAULT_MINIMUM_GROUP} to ${LARGEST_MINIMUM_GROUP}`
    if (!namesFromGrade || Object.keys(errors).length) throw new ValidationError(errors)
    await inScope(this.db, caller.scope, async (tx) => {
      const [before] = await tx
        .select()
        .from(publicationSettings)
        .where(eq(publicationSettings.forceId, forceId))
      const [after] = await tx
        .insert(publicationSettings)
        .values({ forceId, namesFromGrade, minimumGroup, updatedAt: this.now() })
        .onConflictDoUpdate({
          target: publicationSettings.forceId,
          set: { namesFromGrade, minimumGroup, updatedAt: this.now() },
        })
        .returning()
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId,
          entityType: 'publication-settings',
          entityId: String(forceId),
          action: before ? 'update' : 'create',
          before: before ?? null,
          after,
        },
        this.now(),
      )
    })
    return this.settings(caller)
  }
}
