import type { MultipartFile, MultipartValue } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { MAX_DOCUMENT_BYTES } from './fields.js'
import type { UploadedDocument } from './versions.js'

/** A plain form's body: text fields, and the choices of a field sent more than once (a question's answers). */
export const formBody = z.record(
  z.string(),
  z.union([z.string().max(100_000), z.array(z.string().max(1000)).max(500)]),
)

type Part = MultipartFile | MultipartValue
const isPart = (value: unknown): value is Part =>
  typeof value === 'object' && value !== null && 'type' in value && 'fieldname' in value

/** A form's fields as text, whether it came as an ordinary form or as multipart (with a document). */
export function fieldsOf(request: FastifyRequest): Record<string, string | string[]> {
  const body = (request.body ?? {}) as Record<string, unknown>
  const values: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string' || Array.isArray(value)) {
      const list = [value]
        .flat()
        .map((item) => (isPart(item) && item.type === 'field' ? String(item.value) : item))
        .filter((item): item is string => typeof item === 'string')
      values[name] = Array.isArray(value) ? list : (list[0] ?? '')
    } else if (isPart(value) && value.type === 'field') values[name] = String(value.value)
  }
  return values
}

export async function documentOf(request: FastifyRequest): Promise<UploadedDocument | undefined> {
  const part = ((request.body ?? {}) as Record<string, unknown>).document
  if (!isPart(part) || part.type !== 'file' || !part.filename) return undefined
  const data = await part.toBuffer()
  if (part.file.truncated)
    throw new ValidationError({
      document: `The document must be smaller than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`,
    })
  return { filename: part.filename, type: part.mimetype, data }
}

/** Each field as one text: a field sent more than once is joined, a line each. */
export const text = (values: Record<string, string | string[]>) =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, [value].flat().join('\n')]))
