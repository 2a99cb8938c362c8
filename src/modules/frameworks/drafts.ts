import { z } from 'zod'
import type { Transaction } from '../../db/tenancy.js'
import { optionalDateField } from '../../domain/date-input.js'
import { ForbiddenError, NotFoundError } from '../../domain/errors.js'
import { optionalText, requiredText } from '../../domain/fields.js'
import { RECOMMENDATION_SCOPES } from '../../domain/inspections.js'
import {
  appendItem,
  auditFramework,
  deleteItem,
  type FrameworkChange,
  type FrameworkRow,
  type ItemKind,
  type ItemTable,
  type ItemValues,
  selectFramework,
  selectItem,
  touchFramework,
  updateItem,
} from './queries.js'

/**
 * Editing a draft version: the forms' fields, and adding, changing and deleting its areas, questions
 * and recommendations inside the caller's transaction.
 */

export const areaInput = z.object({
  code: requiredText('Enter a code', 'Code', 60),
  title: requiredText('Enter the area’s title', 'Title', 200),
  description: optionalText('Description', 5000),
})

export const questionInput = z.object({
  areaId: z.uuid('Select the area'),
  code: requiredText('Enter a code', 'Code', 60),
  text: requiredText('Enter the question', 'Question', 2000),
  guidance: optionalText('Guidance', 5000),
  evidenceExpected: optionalText('Evidence expected', 5000),
})

export const recommendationInput = z.object({
  code: requiredText('Enter a code', 'Code', 60),
  areaId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.uuid('Select an area').nullable()),
  text: requiredText('Enter the recommendation', 'Recommendation', 5000),
  scope: z.enum(RECOMMENDATION_SCOPES, 'Select national or one force'),
  forceCode: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  addressee: requiredText('Enter who the recommendation is addressed to', 'Addressee', 200),
  dueDate: optionalDateField('Due date').transform((v) => v ?? null),
})

export const detailsInput = z.object({
  title: z.string().trim().min(1, 'Enter the title').max(200, 'Title must be 200 characters or fewer'),
  description: z
    .string()
    .trim()
    .max(5000, 'Description must be 5000 characters or fewer')
    .optional()
    .transform((v) => v || null),
  judgementScale: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().max(100)).min(2, 'Give at least two judgements, one to a line')),
})

/** A draft of the caller's to change; a published version never changes. */
export async function requireDraft(tx: Transaction, frameworkId: string): Promise<FrameworkRow> {
  const framework = await selectFramework(tx, frameworkId)
  if (framework.status !== 'draft')
    throw new ForbiddenError('A published framework cannot change: make a new version of it')
  return framework
}

/** A change to an item of a draft: which (no itemId: a new one), its values, and a `check` to pass first. */
export interface ItemEdit<T extends ItemTable> {
  item: ItemKind<T>
  frameworkId: string
  itemId: string | null
  values: ItemValues<T>
  check?: (tx: Transaction, framework: FrameworkRow) => Promise<void>
}

/**
 * Adds an item to a draft (no itemId: at the end) or changes one, after `check` (which sees the
 * draft) passes; marks the framework changed and audits it as `add-<noun>` or `update-<noun>`.
 */
export async function saveDraftItem<T extends ItemTable>(
  change: FrameworkChange,
  { item, frameworkId, itemId, values, check }: ItemEdit<T>,
): Promise<T['$inferSelect']> {
  const { tx, now } = change
  const framework = await requireDraft(tx, frameworkId)
  await check?.(tx, framework)
  let row: T['$inferSelect'] | undefined
  if (itemId) {
    const before = await selectItem(tx, item, framework.id, itemId)
    row = await updateItem(tx, item, before.id, values)
  } else row = await appendItem(tx, item, framework.id, values)
  if (!row) throw new NotFoundError(`No such ${item.noun}`)
  await touchFramework(tx, framework.id, now)
  await auditFramework(change, framework.id, `${itemId ? 'update' : 'add'}-${item.noun}`, row)
  return row
}

/** Deletes an item of a draft, marks the framework changed and audits it as `delete-<noun>`. */
export async function deleteDraftItem<T extends ItemTable>(
  change: FrameworkChange,
  item: ItemKind<T>,
  frameworkId: string,
  itemId: string,
): Promise<void> {
  const { tx, now } = change
  const framework = await requireDraft(tx, frameworkId)
  const before = await selectItem(tx, item, framework.id, itemId)
  await deleteItem(tx, item, before.id)
  await touchFramework(tx, framework.id, now)
  await auditFramework(change, framework.id, `delete-${item.noun}`, null, before)
}
