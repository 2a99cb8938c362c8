import multipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ValidationError } from '../domain/errors.js'
import { formatMegabytes, type UploadLimits } from '../spreadsheets/limits.js'
import type { UploadedFile } from '../spreadsheets/read.js'

/** The fields a form with a file may have: the forms that upload have a handful. */
export const MAX_FORM_FIELDS = 20

/** An upload form refused as a whole (too large, too many parts, cut short): a 4xx with a plain message. */
/** What a form cut short or otherwise not a multipart upload is told, wherever it is noticed. */
export const MALFORMED_UPLOAD =
  'The form or file you sent was cut short or is not a well-formed upload. Choose the file and send it again.'

class UploadFormError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message)
  }
}

/** What a route's upload form may hold. */
interface FormLimits {
  bytes: number
  files: number
  /** The files the route itself allows, which it may read one more of to explain (the reporting line). */
  filesAllowed: number
  /** Whether a file over `bytes` refuses the form, or is cut short for the route to report (press releases). */
  refuseTooLarge: boolean
}

/** What a person is told for each way busboy or @fastify/multipart refuses a form. */
function refusal(error: unknown, limits: FormLimits): Error {
  const code = (error as { code?: string }).code
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return new UploadFormError(
      413,
      `The file is larger than ${formatMegabytes(limits.bytes)}, the most one upload may be: split it into smaller files`,
    )
  if (code === 'FST_FILES_LIMIT')
    return new UploadFormError(
      413,
      limits.filesAllowed === 1
        ? 'Upload one file at a time'
        : `Upload at most ${limits.filesAllowed} files at a time`,
    )
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return tooManyFields()
  if (code === 'FST_PROTO_VIOLATION')
    return new UploadFormError(400, 'The form has a field whose name is not allowed')
  // Busboy's own errors (a form cut short, a malformed part header) and a stream closed early.
  return new UploadFormError(400, MALFORMED_UPLOAD)
}

const tooManyFields = () =>
  new UploadFormError(
    413,
    `The form has more than ${MAX_FORM_FIELDS} fields: send only the form's own fields`,
  )

/**
 * Where a form's files are kept as they arrive: one buffer the size of the request, each file copied
 * in piece by piece as the network delivers it. (Joining the pieces at the end is one copy of up to
 * 50 MB, which holds the event loop for tens of milliseconds.) A request that does not state its
 * length, or states more than its files may hold, has its files joined at the end as the plugin does.
 */
class FileStore {
  private readonly buffer: Buffer | undefined
  private used = 0

  constructor(
    request: FastifyRequest,
    private readonly limits: FormLimits,
  ) {
    const declared = Number(request.headers['content-length'])
    const most = limits.bytes * limits.files + 1024 * 1024
    // Shared memory, so that the thread that checks a spreadsheet (imports/upload-checks.ts) reads
    // the file where it is rather than a copy made on this thread.
    this.buffer =
      Number.isSafeInteger(declared) && declared > 0 && declared <= most
        ? Buffer.from(new SharedArrayBuffer(declared))
        : undefined
  }

  async keep(part: MultipartFile): Promise<void> {
    const buffer = this.buffer
    if (!buffer) {
      await part.toBuffer()
      return
    }
    const start = this.used
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      if (this.used + chunk.length > buffer.length)
        throw new UploadFormError(400, 'The form is longer than it said')
      chunk.copy(buffer, this.used)
      this.used += chunk.length
    }
    if (part.file.truncated && this.limits.refuseTooLarge)
      throw refusal({ code: 'FST_REQ_FILE_TOO_LARGE' }, this.limits)
    // The plugin's toBuffer() answers with `_buf` once it is set: the routes read the file through it.
    Object.assign(part, { _buf: buffer.subarray(start, this.used) })
  }
}

/**
 * File uploads: the whole form is read into `request.body` before the route runs — fields as
 * values, the file buffered in memory up to the upload limit — so the CSRF check reads the form's
 * token like any other form's. The reading is ours rather than the plugin's `attachFieldsToBody`, so
 * that every way a form can be refused (too many fields or files, a file too large, a form cut
 * short) is a 4xx that says which, never a 500.
 */
export async function setUpUploads(app: FastifyInstance, uploadLimits: Pick<UploadLimits, 'bytes'>) {
  // Busboy's limits sit above ours, so that ours (counted below) are the ones met and explained.
  await app.register(multipart, {
    limits: { fileSize: uploadLimits.bytes, files: 1, fields: MAX_FORM_FIELDS + 1 },
  })
  app.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return
    const options = request.routeOptions.config.multipartOptions
    const filesRead = options?.limits?.files ?? 1
    const limits = {
      bytes: options?.limits?.fileSize ?? uploadLimits.bytes,
      files: filesRead,
      filesAllowed: (options as { filesAllowed?: number } | undefined)?.filesAllowed ?? filesRead,
      refuseTooLarge: (options as { throwFileSizeLimit?: boolean } | undefined)?.throwFileSizeLimit !== false,
    }
    const files = new FileStore(request, limits)
    let fields = 0
    try {
      for await (const part of request.parts(options)) {
        request.body = part.fields
        if (part.type === 'file') await files.keep(part)
        else if (++fields > MAX_FORM_FIELDS) throw tooManyFields()
      }
    } catch (error) {
      throw error instanceof UploadFormError ? error : refusal(error, limits)
    }
  })
}

type MultipartBody = Record<string, MultipartFile | MultipartValue | undefined>

/** A plain field of a multipart form, as text. */
export function formField(request: FastifyRequest, name: string): string | undefined {
  const part = (request.body as MultipartBody | undefined)?.[name]
  return part && part.type === 'field' ? String(part.value) : undefined
}

/** The uploaded file in `field` (read by setUpUploads), or a ValidationError saying to choose one. */
export async function uploadedFile(request: FastifyRequest, field = 'file'): Promise<UploadedFile> {
  const part = (request.body as MultipartBody | undefined)?.[field]
  if (part?.type !== 'file' || !part.filename)
    throw new ValidationError({ [field]: 'Select a CSV or Excel file' })
  return { filename: part.filename, data: await part.toBuffer() }
}
