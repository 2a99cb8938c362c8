import type { MultipartFile, MultipartValue } from '@fastify/multipart'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { STATEMENT_ITEMS } from '../../domain/inspections.js'
import { HEADLINE_JUDGEMENTS, OPTIONAL_STATEMENTS } from '../../domain/press-release-facts.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { capitalised, formErrors } from '../../web/forms.js'
import { formField } from '../../web/uploads.js'
import { DOCUMENT_LIMITS } from './document-text.js'
import { highlightedText, sourceId } from './highlight.js'
import { DOCUMENT_IMPORTERS, DocumentUploadError, type UploadedDocument } from './imports-service.js'
import { factsToForm, REVIEW_FIELDS } from './review-form.js'

const IMPORTERS: Access = DOCUMENT_IMPORTERS
const form = z.record(z.string(), z.string().max(10_000))
const params = z.object({ documentId: z.string().max(100) })

/** Busboy's limits for the upload: a few more files than allowed, so too many gets a clear message. */
const UPLOAD_OPTIONS = {
  limits: { files: DOCUMENT_LIMITS.files + 30, fileSize: DOCUMENT_LIMITS.bytes },
  // A file over the size limit is cut short and reported by name, not refused as a whole request.
  throwFileSizeLimit: false,
}

const KIND_NAMES = { text: 'Text', html: 'HTML', pdf: 'PDF', docx: 'Word' }
const STATUS_TAGS = {
  pending: { text: 'To review', classes: 'govuk-tag--blue' },
  imported: { text: 'Imported', classes: 'govuk-tag--green' },
  discarded: { text: 'Discarded', classes: 'govuk-tag--grey' },
}

/** A data return item's problem (a part above its whole) goes on the form's input for the item. */
const ITEM_FIELDS: Record<string, string> = {
  'second-job-applications': 'jobApplications',
  'second-job-approvals': 'jobApproved',
  'media-disclosure-investigations': 'mediaTotal',
  'media-disclosure-continuing': 'mediaContinuing',
  'social-media-referrals': 'socialMedia',
  'acu-staff-change': 'acuChange',
  ...Object.fromEntries(Object.entries(STATEMENT_ITEMS).map(([statement, item]) => [item, statement])),
  judgement: 'headline',
}

function onFormFields(errors: Record<string, string>): Record<string, string> {
  const mapped: Record<string, string> = {}
  for (const [key, message] of Object.entries(errors)) mapped[ITEM_FIELDS[key] ?? key] ??= message
  return mapped
}

type MultipartBody = Record<string, MultipartFile | MultipartValue | (MultipartFile | MultipartValue)[]>

/** Every file of the multipart field `files` (one or many), read into memory up to the limit. */
async function uploadedDocuments(request: FastifyRequest): Promise<UploadedDocument[]> {
  const field = (request.body as MultipartBody | undefined)?.files
  const parts = (Array.isArray(field) ? field : field ? [field] : []).filter(
    (part): part is MultipartFile => part.type === 'file' && Boolean(part.filename),
  )
  const files: UploadedDocument[] = []
  for (const part of parts)
    files.push({ filename: part.filename, data: await part.toBuffer(), truncated: part.file.truncated })
  return files
}

export const documentImportsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const imports = services.documentImports

  async function renderList(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      errors?: Record<string, string>
      problems?: { filename: string; message: string }[]
      inspectionId?: string
    } = {},
  ) {
    const inspections = await imports.inspectionChoices(request.caller)
    const documents = await imports.list(request.caller)
    const errors = extra.errors ? { ...extra.errors } : undefined
    if (errors && extra.problems) delete errors.files
    const summary = formErrors(errors ?? {}, { inspectionId: 'inspectionId', files: 'files' })
    for (const problem of extra.problems ?? [])
      summary.summary.push({ text: `${problem.filename}: ${problem.message}`, href: '#files' })
    if (extra.problems?.length)
      summary.fields.files = {
        text: `${extra.problems.length === 1 ? 'A document' : `${extra.problems.length} documents`} cannot be imported: nothing was stored`,
      }
    const uploaded = Number((request.query as Record<string, string> | undefined)?.uploaded ?? 0)
    return reply.code(errors || extra.problems ? 400 : 200).render('press-releases/views/list.njk', {
      inspections: inspections.map((inspection) => ({ value: inspection.id, text: inspection.title })),
      chosen: extra.inspectionId ?? '',
      documents: documents.map((document) => ({
        ...document,
        kindName: KIND_NAMES[document.kind],
        tag: STATUS_TAGS[document.status],
      })),
      errors: errors || extra.problems ? summary : undefined,
      problems: extra.problems ?? [],
      uploaded: Number.isInteger(uploaded) && uploaded > 0 ? uploaded : 0,
      limits: { files: DOCUMENT_LIMITS.files, megabytes: DOCUMENT_LIMITS.bytes / 1024 / 1024 },
    })
  }

  app.get(
    '/document-imports',
    {
      config: { access: IMPORTERS },
      schema: { hide: true, querystring: z.object({ uploaded: z.string().max(5).optional() }) },
    },
    async (request, reply) => renderList(request, reply),
  )

  app.post(
    '/document-imports',
    { config: { access: IMPORTERS, multipartOptions: UPLOAD_OPTIONS }, schema: { hide: true } },
    async (request, reply) => {
      const inspectionId = formField(request, 'inspectionId') ?? ''
      try {
        if (!request.isMultipart()) throw new ValidationError({ files: 'Select one or more documents' })
        const files = await uploadedDocuments(request)
        const rows = await imports.upload(request.caller, inspectionId, files)
        if (rows.length === 1) return reply.redirect(`/document-imports/${rows[0]?.id}`, 303)
        return reply.redirect(`/document-imports?uploaded=${rows.length}`, 303)
      } catch (error) {
        if (error instanceof DocumentUploadError)
          return renderList(request, reply, {
            errors: error.fieldErrors,
            problems: error.problems,
            inspectionId,
          })
        if (!(error instanceof ValidationError)) throw error
        return renderList(request, reply, { errors: error.fieldErrors, inspectionId })
      }
    },
  )

  async function renderReview(
    request: FastifyRequest,
    reply: FastifyReply,
    documentId: string,
    extra: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ) {
    const review = await imports.review(request.caller, documentId, extra.values?.forceCode)
    const { document } = review
    const values = extra.values ?? factsToForm(document.facts)
    const sources = document.sources
    const scale = review.scale.length ? review.scale : [...HEADLINE_JUDGEMENTS]
    const fields = REVIEW_FIELDS.map((field) => ({
      ...field,
      value: values[field.name] ?? '',
      sources: (sources[field.fact] ?? []).map((source, index) => ({
        href: `#${sourceId(field.fact, index)}`,
        text: source.text,
      })),
      error: extra.errors?.[field.name],
    }))
    const done = (request.query as Record<string, string> | undefined)?.done
    return reply.code(extra.errors ? 400 : 200).render('press-releases/views/review.njk', {
      review,
      document,
      fields: Object.fromEntries(fields.map((field) => [field.name, field])),
      fieldList: fields,
      forces: review.forces.map((force) => ({
        value: force.code,
        text: force.name,
        selected: force.code === values.forceCode,
      })),
      headlines: [
        ...scale.map((value) => ({ value, text: capitalised(value), checked: values.headline === value })),
        { divider: 'or' },
        { value: '', text: 'Not stated', checked: !values.headline },
      ],
      yesNo: (name: string) => [
        { value: 'yes', text: 'Yes', checked: values[name] === 'yes' },
        { value: 'no', text: 'No', checked: values[name] === 'no' },
        { value: '', text: 'Not stated', checked: !values[name] },
      ],
      statements: OPTIONAL_STATEMENTS,
      replace: values.replace === 'yes',
      textHtml: highlightedText(document.text, sources),
      kindName: KIND_NAMES[document.kind],
      tag: STATUS_TAGS[document.status],
      errors: extra.errors && formErrors(extra.errors),
      done,
      dataReturnPath: `/inspections/${review.inspection.id}/forces/${review.force.code}/data-return`,
      fieldworkPath: `/inspections/${review.inspection.id}/forces/${review.force.code}/fieldwork`,
    })
  }

  app.get(
    '/document-imports/:documentId',
    {
      config: { access: IMPORTERS },
      schema: { hide: true, params, querystring: z.object({ done: z.string().max(20).optional() }) },
    },
    async (request, reply) => renderReview(request, reply, request.params.documentId),
  )

  app.post(
    '/document-imports/:documentId/import',
    { config: { access: IMPORTERS }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const { documentId } = request.params
      try {
        await imports.import(request.caller, documentId, request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderReview(request, reply, documentId, {
          values: request.body,
          errors: onFormFields(error.fieldErrors),
        })
      }
      return reply.redirect(`/document-imports/${documentId}?done=imported`, 303)
    },
  )

  app.post(
    '/document-imports/:documentId/discard',
    { config: { access: IMPORTERS }, schema: { hide: true, params, body: form.optional() } },
    async (request, reply) => {
      const { documentId } = request.params
      try {
        await imports.discard(request.caller, documentId)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderReview(request, reply, documentId, { errors: error.fieldErrors })
      }
      return reply.redirect('/document-imports', 303)
    },
  )
}
