import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { appendAuditEvent } from '../audit/service.js'
import type { InspectionsService } from '../inspections/service.js'
import { findSetting, upsertSetting } from '../settings/queries.js'
import {
  DEFAULT_PRESS_RELEASE_SETTINGS,
  type PressReleaseSettings,
  pressReleaseSettingsSchema,
} from './settings.js'

export const PRESS_RELEASE_SETTINGS_ENTITY = 'press-release-settings'

/** Who edits an inspection's national finding and notes to editors: those who edit the templates. */
export const SETTINGS_EDITORS = ['inspectorate-admin'] as const

/** The row of the installation's settings that holds one inspection's press-release settings. */
const settingName = (inspectionId: string) => `press-release-settings:${inspectionId}`

/** The form's text: paragraphs separated by a blank line, each paragraph's own line breaks as spaces. */
export function paragraphsOf(text: unknown): string[] {
  if (typeof text !== 'string') return []
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
}

/** Paragraphs as the form shows them: a blank line between each. */
export const formText = (paragraphs: readonly string[]) => paragraphs.join('\n\n')

export interface InspectionPressReleaseSettings extends PressReleaseSettings {
  /** Whether the inspection has settings of its own; when not, the 2012 defaults apply. */
  edited: boolean
}

/**
 * Each inspection's press-release settings: the national finding the HM Inspector's quote ends with and
 * the notes to editors, kept in the installation's settings under the inspection's id. Every force's
 * release of the inspection is written with them; unset, the 2012 defaults.
 */
export class PressReleaseSettingsService {
  constructor(
    private readonly db: Database,
    private readonly inspections: InspectionsService,
    private readonly now: () => Date,
  ) {}

  /** The inspection's settings; anyone may read them (published releases state them). */
  async forInspection(inspectionId: string): Promise<InspectionPressReleaseSettings> {
    const stored = await inScope(this.db, { kind: 'public' }, (tx) =>
      findSetting(tx, settingName(inspectionId)),
    )
    const parsed = pressReleaseSettingsSchema.safeParse(stored)
    return parsed.success
      ? { ...parsed.data, edited: true }
      : { ...DEFAULT_PRESS_RELEASE_SETTINGS, edited: false }
  }

  /**
   * Saves the inspection's settings from the form (each text in paragraphs), checked, with the change in
   * the audit trail; `reset` goes back to the defaults.
   */
  async save(
    caller: Caller,
    inspectionId: string,
    input: { nationalFinding?: unknown; notesToEditors?: unknown } | 'reset',
  ): Promise<PressReleaseSettings> {
    requireRole(caller, ...SETTINGS_EDITORS)
    const inspection = await this.inspections.get(caller, inspectionId)
    const settings: PressReleaseSettings =
      input === 'reset'
        ? { ...DEFAULT_PRESS_RELEASE_SETTINGS }
        : checked({
            nationalFinding: paragraphsOf(input.nationalFinding),
            notesToEditors: paragraphsOf(input.notesToEditors),
          })
    const before = await this.forInspection(inspection.id)
    const now = this.now()
    await inScope(this.db, caller.scope, async (tx) => {
      await upsertSetting(tx, settingName(inspection.id), settings, now)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: PRESS_RELEASE_SETTINGS_ENTITY,
          entityId: inspection.id,
          action: input === 'reset' ? 'reset' : 'update',
          before: { nationalFinding: before.nationalFinding, notesToEditors: before.notesToEditors },
          after: settings,
        },
        now,
      )
    })
    return settings
  }
}

/** The settings checked, or a ValidationError naming the field and, for one paragraph, which. */
function checked(input: PressReleaseSettings): PressReleaseSettings {
  const parsed = pressReleaseSettingsSchema.safeParse(input)
  if (parsed.success) return parsed.data
  const errors: Record<string, string> = {}
  for (const issue of parsed.error.issues) {
    const [field, index] = issue.path
    const which = typeof index === 'number' ? `Paragraph ${index + 1}: ` : ''
    errors[String(field)] ??= `${which}${issue.message}`
  }
  throw new ValidationError(errors)
}
