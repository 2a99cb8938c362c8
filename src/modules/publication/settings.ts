import { z } from 'zod'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../../domain/suppression.js'
import { TEMPLATE_EDITORS } from './access.js'
import {
  appendEvent,
  deleteTemplate,
  isId,
  selectOpenDataSettings,
  selectTemplate,
  TEMPLATE_ENTITY,
  upsertOpenDataSettings,
  upsertTemplate,
} from './queries.js'
import type { PublicationContext } from './reading.js'
import { type DocumentFacts, defaultTemplate, renderMarkdown, TemplateError } from './render.js'
import { PUBLICATION_KINDS, type PublicationKind } from './schema.js'

/**
 * What the inspectorate's admins set for the publications: the template of each kind of document, and
 * the open data's suppression threshold of each inspection.
 */

const suppressionSchema = z
  .object({
    suppressUpTo: z
      .string()
      .trim()
      .max(3)
      .transform((value, context) => {
        const number = Number(value)
        if (value === '' || !Number.isInteger(number) || number < 0 || number > 10) {
          context.addIssue({
            code: 'custom',
            message: 'Enter a whole number from 0 to 10 (0: suppress nothing)',
          })
          return z.NEVER
        }
        return number
      }),
    reason: z.string().trim().max(2000, 'The reason must be 2,000 characters or fewer'),
  })
  .superRefine((settings, context) => {
    if (settings.suppressUpTo < DEFAULT_SUPPRESSION_THRESHOLD && !settings.reason)
      context.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `Say why the open data may show counts below ${DEFAULT_SUPPRESSION_THRESHOLD}: it is kept in the audit trail`,
      })
  })

/** Who changed a template or a setting, and when: the columns every such row keeps. */
function updatedBy(context: PublicationContext, caller: Caller) {
  return { updatedBy: userIdOf(caller), updatedByLabel: caller.actor.label, updatedAt: context.now() }
}

// ---------------------------------------------------------------------------------------------------
// Templates

/** The template source in use for a kind: the admin's edit, or the default we ship. */
export async function templateOf(
  context: PublicationContext,
  kind: PublicationKind,
): Promise<{ source: string; edited: boolean; updatedByLabel?: string; updatedAt?: Date }> {
  const [row] = await inScope(context.db, { kind: 'public' }, (tx) => selectTemplate(tx, kind))
  if (!row) return { source: defaultTemplate(kind), edited: false }
  return { source: row.source, edited: true, updatedByLabel: row.updatedByLabel, updatedAt: row.updatedAt }
}

/** The template source in use for every kind. */
export async function templateSources(context: PublicationContext): Promise<Record<PublicationKind, string>> {
  const sources = {} as Record<PublicationKind, string>
  for (const kind of PUBLICATION_KINDS) sources[kind] = (await templateOf(context, kind)).source
  return sources
}

/** Renders a template source for some facts, as a preview: a TemplateError says what is wrong. */
export function previewTemplate(kind: PublicationKind, source: string, facts: DocumentFacts): string {
  if (!source.trim()) throw new TemplateError('the template is empty')
  return renderMarkdown(kind, source, facts)
}

/** Saves an admin's template, after checking it compiles and renders the facts given. */
export async function saveTemplate(
  context: PublicationContext,
  caller: Caller,
  kind: PublicationKind,
  source: string,
  facts: DocumentFacts | null,
) {
  requireRole(caller, ...TEMPLATE_EDITORS)
  if (!PUBLICATION_KINDS.includes(kind)) throw new NotFoundError('No such template')
  if (typeof source !== 'string' || !source.trim())
    throw new ValidationError({ source: 'Enter the template' })
  if (source.length > 100_000)
    throw new ValidationError({ source: 'The template must be 100,000 characters or fewer' })
  if (facts) previewTemplate(kind, source, facts)
  await inScope(context.db, caller.scope, async (tx) => {
    const [before] = await selectTemplate(tx, kind)
    const values = {
      kind,
      source,
      ...updatedBy(context, caller),
    }
    await upsertTemplate(tx, values)
    await appendEvent(context, tx, caller, {
      forceId: null,
      entityType: TEMPLATE_ENTITY,
      entityId: kind,
      action: 'update',
      before: before ? { source: before.source } : { source: 'default' },
      after: { source },
    })
  })
}

export async function resetTemplate(context: PublicationContext, caller: Caller, kind: PublicationKind) {
  requireRole(caller, ...TEMPLATE_EDITORS)
  await inScope(context.db, caller.scope, async (tx) => {
    const deleted = await deleteTemplate(tx, kind)
    if (deleted.length)
      await appendEvent(context, tx, caller, {
        forceId: null,
        entityType: TEMPLATE_ENTITY,
        entityId: kind,
        action: 'reset',
        before: { source: deleted[0]?.source },
      })
  })
}

// ---------------------------------------------------------------------------------------------------
// Open data settings

/** The open data's suppression setting: the default threshold unless a publisher set another, with a reason. */
export async function suppressionOf(
  context: PublicationContext,
  inspectionId: string,
): Promise<{ suppressUpTo: number; reason: string | null }> {
  if (!isId(inspectionId)) return { suppressUpTo: DEFAULT_SUPPRESSION_THRESHOLD, reason: null }
  const [row] = await inScope(context.db, { kind: 'public' }, (tx) =>
    selectOpenDataSettings(tx, inspectionId),
  )
  return { suppressUpTo: row?.suppressUpTo ?? DEFAULT_SUPPRESSION_THRESHOLD, reason: row?.reason ?? null }
}

/** Sets the threshold; one below the default needs a reason, and both go into the audit trail. */
export async function setSuppression(
  context: PublicationContext,
  caller: Caller,
  inspectionId: string,
  input: { suppressUpTo?: unknown; reason?: unknown },
) {
  requireRole(caller, ...TEMPLATE_EDITORS)
  const inspection = await context.sources.inspection(caller, inspectionId)
  const parsed = suppressionSchema.safeParse({
    suppressUpTo: String(input.suppressUpTo ?? ''),
    reason: typeof input.reason === 'string' ? input.reason : '',
  })
  if (!parsed.success)
    throw new ValidationError(
      Object.fromEntries(
        parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'suppressUpTo'), issue.message]),
      ),
    )
  const { suppressUpTo } = parsed.data
  const reason = suppressUpTo < DEFAULT_SUPPRESSION_THRESHOLD ? parsed.data.reason : null
  const before = await suppressionOf(context, inspection.id)
  await inScope(context.db, caller.scope, async (tx) => {
    const values = {
      inspectionId: inspection.id,
      suppressUpTo,
      reason,
      ...updatedBy(context, caller),
    }
    await upsertOpenDataSettings(tx, values)
    await appendEvent(context, tx, caller, {
      forceId: null,
      entityType: 'open-data-settings',
      entityId: inspection.id,
      action: 'update',
      before,
      after: { suppressUpTo, reason },
    })
  })
  return suppressUpTo
}
