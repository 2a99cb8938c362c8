import { z } from 'zod'
import { optionalText, requiredText } from '../../domain/fields.js'
import { FINDING_KINDS } from '../../domain/inspections.js'

/** The fields of fieldwork's forms and API bodies; the service parses every input with these. */

const areaField = z.string('Select the area').trim().min(1, 'Select the area').max(100, 'Select the area')

export const noteSchema = z.object({
  area: areaField,
  note: requiredText('Enter the evidence note', 'The note', 10_000),
})

export const findingSchema = z.object({
  area: areaField,
  kind: z.enum(FINDING_KINDS, 'Select the kind of finding'),
  text: requiredText('Enter the finding', 'The finding', 5000),
})

export const findingEditSchema = findingSchema.omit({ area: true })

export const moveSchema = z.object({
  direction: z.enum(['up', 'down'], 'Choose up or down'),
})

export const proposeSchema = z.object({
  judgement: z.string('Select a headline judgement').trim().min(1, 'Select a headline judgement').max(200),
  rationale: requiredText('Enter the rationale for the judgement', 'The rationale', 10_000),
})

export const confirmSchema = z.object({
  note: optionalText('The moderation note', 5000),
})

export const returnSchema = z.object({
  note: requiredText('Enter why the judgement is returned', 'The note', 5000),
})

export const reopenSchema = z.object({
  reason: requiredText('Enter why the judgement is reopened', 'The reason', 5000),
})
