import multipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ValidationError } from '../domain/errors.js'
import type { UploadedFile } from '../spreadsheets/read.js'

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024

/**
 * File uploads (imports): the whole form is parsed into `request.body`, files buffered in memory up to
 * the limit, so the CSRF check reads the form's token like any other form's.
 */
export async function setUpUploads(app: FastifyInstance) {
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20 },
  })
}

type MultipartBody = Record<string, MultipartFile | MultipartValue | undefined>

/** A plain field of a multipart form, as text. */
export function formField(request: FastifyRequest, name: string): string | undefined {
  const part = (request.body as MultipartBody | undefined)?.[name]
  return part && part.type === 'field' ? String(part.value) : undefined
}

/** The uploaded file in `field`, or a ValidationError saying to choose one. */
export async function uploadedFile(request: FastifyRequest, field = 'file'): Promise<UploadedFile> {
  const part = (request.body as MultipartBody | undefined)?.[field]
  if (part?.type !== 'file' || !part.filename)
    throw new ValidationError({ [field]: 'Select a CSV or Excel file' })
  const data = await part.toBuffer()
  if (part.file.truncated)
    throw new ValidationError({
      [field]: `The file must be smaller than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`,
    })
  return { filename: part.filename, data }
}
