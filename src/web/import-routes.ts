import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Caller } from '../domain/access.js'
import { ValidationError } from '../domain/errors.js'
import type { UploadedFile } from '../spreadsheets/read.js'
import type { Access } from './authorisation.js'
import { type ExportFormat, sendExport } from './exports.js'
import { formErrors } from './forms.js'
import { uploadedFile } from './uploads.js'

/** Rows of a preview shown on the page; its counts always cover all of them. */
const PREVIEW_LIMIT = 100

export interface ImportPages<Listed> {
  /** The register's list, e.g. /gifts-hospitality: the pages are its /import and /imports/:id. */
  list: string
  /** The folder of the register's import.njk, import-preview.njk and imported.njk. */
  views: string
  access: Access
  /** The columns the upload form lists. */
  columns: readonly string[]
  /** The name of the confirm route's parameter, as the cross-force test fills it in. */
  importParam: string
  dryRun(caller: Caller, file: UploadedFile): Promise<{ create: Listed[]; problemCount: number }>
  /** A row the preview would add, as its page shows it. */
  shown?(row: Listed): unknown
  confirm(caller: Caller, importId: string): Promise<unknown>
  /** What the shared views (imports/views) show of this register: passed to each page as `page`. */
  page?: Record<string, unknown>
  /**
   * A template to fill in, as CSV and Excel at /import/template.csv and .xlsx: the columns, with the
   * rows the caller's records give (e.g. referrals still to answer), or just the header.
   */
  template?: { name: string; rows?(caller: Caller): Promise<Record<string, string>[]> }
}

/** A register's import of historic records: upload → dry run → confirm. */
export function registerImportPages<Listed>(app: FastifyInstance, pages: ImportPages<Listed>) {
  const { list, views, access, columns } = pages
  const params = z.object({ [pages.importParam]: z.string().max(100) })
  const page = pages.page

  app.get(`${list}/import`, { config: { access }, schema: { hide: true } }, async (_request, reply) =>
    reply.render(`${views}/import.njk`, { columns, page }),
  )

  const { template } = pages
  if (template) {
    const templateColumns = columns.map((header) => ({
      header,
      value: (row: Record<string, string>) => row[header],
    }))
    for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
      app.get(
        `${list}/import/template.${format}`,
        { config: { access }, schema: { hide: true } },
        async (request, reply) =>
          sendExport(
            reply,
            format,
            template.name,
            templateColumns,
            (await template.rows?.(request.caller)) ?? [],
          ),
      )
    }
  }

  app.post(`${list}/import`, { config: { access }, schema: { hide: true } }, async (request, reply) => {
    try {
      const preview = await pages.dryRun(request.caller, await uploadedFile(request))
      const create = preview.create.slice(0, PREVIEW_LIMIT)
      return reply.code(preview.problemCount ? 400 : 200).render(`${views}/import-preview.njk`, {
        preview: { ...preview, create: pages.shown ? create.map(pages.shown) : create },
        createCount: preview.create.length,
        page,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply
        .code(400)
        .render(`${views}/import.njk`, { columns, page, errors: formErrors(error.fieldErrors) })
    }
  })

  app.post(
    `${list}/imports/:${pages.importParam}`,
    { config: { access }, schema: { hide: true, params } },
    async (request, reply) => {
      const importId = (request.params as Record<string, string>)[pages.importParam] as string
      const result = await pages.confirm(request.caller, importId)
      return reply.render(`${views}/imported.njk`, { result, page })
    },
  )
}
