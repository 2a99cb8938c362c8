import { z } from 'zod'
import { dateField, optionalDateField } from '../../domain/date-input.js'
import { optionalText, requiredText } from '../../domain/fields.js'

/** A document attached to a version: the kinds of file people read policies in, up to 5 MB. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
export const DOCUMENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
  txt: 'text/plain',
}

const yesNo = (missing: string) =>
  z
    .union([z.boolean(), z.string()], missing)
    .optional()
    .transform((value) => value === true || value === 'yes' || value === 'true')

export const POLICY_FIELDS = ['area', 'areaName', 'title'] as const
export const newPolicySchema = z.object({
  area: requiredText('Select the integrity area', 'Area', 100),
  areaName: optionalText('The name of the area', 100),
  title: requiredText('Enter the policy’s title', 'Title', 200),
})

export const VERSION_FIELDS = [
  'title',
  'body',
  'document',
  'effectiveDate',
  'reviewDate',
  'owner',
  'nationalGuidance',
  'guidanceName',
] as const
export const newVersionSchema = z.object({
  title: requiredText('Enter the version’s title', 'Title', 200),
  body: optionalText('The policy text', 100_000),
  effectiveDate: dateField('Effective date', 'Enter the date the version takes effect'),
  reviewDate: optionalDateField('Review date').transform((value) => value ?? null),
  owner: requiredText('Enter who owns the policy', 'Owner', 200),
  nationalGuidance: yesNo('Say whether it is in line with national guidance'),
  guidanceName: optionalText('The national guidance', 300),
})
export type NewVersionInput = z.input<typeof newVersionSchema>

export const questionSchema = z.object({
  question: requiredText('Enter the question', 'Question', 500),
  options: requiredText('Enter the answers to choose from, one a line', 'Answers', 2000),
  answer: z.coerce
    .number('Enter the number of the right answer')
    .int('Enter the number of the right answer')
    .min(1, 'Enter the number of the right answer'),
})

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    (value === undefined ? [] : [value].flat()).map((item) => item.trim()).filter(Boolean),
  )

export const PUBLISH_FIELDS = ['audience', 'units', 'grades', 'deadline', 'restricted'] as const
export const publishSchema = z.object({
  audience: z.enum(['all', 'chosen'], 'Select who must read it'),
  units: list,
  grades: list,
  deadline: dateField('Deadline to acknowledge it', 'Enter the date by which staff must acknowledge it'),
  restricted: yesNo('Say whether the version is restricted'),
})
export type PublishInput = z.input<typeof publishSchema>
