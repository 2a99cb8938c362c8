import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { MEDIA_CONTACT_METHODS } from '../../domain/registers.js'
import { firstMessages } from '../../domain/validation.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import { problemJson, problemOf, staffMemberReferenceJson, staffMemberReferenceOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { choicesOf, formatDay, formErrors } from '../../web/forms.js'
import { listNavigationIn } from '../../web/i18n/lists.js'
import { registerImportPages } from '../../web/import-routes.js'
import { PAGE_SIZE, pagedJson, pageOf, pageWindow, typedValues } from '../../web/lists.js'
import { historyOf } from '../audit/present.js'
import type { ForceReference } from '../forces/service.js'
import { FILTER_FIELDS, IMPORT_COLUMNS, type MediaQuery, mediaQuerySchema } from './fields.js'
import type { MediaContactFilter } from './queries.js'
import type { MediaContactView } from './service.js'

const READERS: Access = ['force-caseworker', 'inspector']
const KEEPERS: Access = ['force-caseworker']
const SELF: Access = ['staff']
const ANY_VIEWER: Access = ['staff', 'inspector']

const contactParams = z.object({ mediaContactId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))
const LIST = '/media-contacts'

const METHODS = choicesOf(MEDIA_CONTACT_METHODS)

function toFilter(query: MediaQuery): MediaContactFilter {
  return {
    outlet: query.outlet,
    journalist: query.journalist,
    unit: query.unit,
    from: query.from,
    to: query.to,
    search: query.q,
  }
}

const forPage = (contact: MediaContactView) => ({ ...contact, date: formatDay(contact.contactOn) })

const contactJson = z
  .object({
    id: z.string(),
    staffMember: staffMemberReferenceJson,
    journalist: z.string(),
    outlet: z.string(),
    contactOn: z.string().meta({ example: '2012-02-14' }),
    method: z.enum(MEDIA_CONTACT_METHODS),
    purpose: z.string(),
    discussed: z.string(),
    authorisedBy: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'MediaContact' })

function toJson(contact: MediaContactView): z.infer<typeof contactJson> {
  return {
    id: contact.id,
    staffMember: staffMemberReferenceOf(contact),
    journalist: contact.journalist,
    outlet: contact.outlet,
    contactOn: contact.contactOn,
    method: contact.method,
    purpose: contact.purpose,
    discussed: contact.discussed,
    authorisedBy: contact.authorisedBy,
    createdAt: new Date(contact.createdAt).toISOString(),
    updatedAt: new Date(contact.updatedAt).toISOString(),
  }
}

const newContactJson = z.strictObject({
  staffNumber: z.string().max(50).meta({ description: 'The member of staff’s number on the force roster' }),
  journalist: z.string().max(200),
  outlet: z.string().max(200),
  contactOn: z.string().max(20).meta({ example: '2012-02-14' }),
  method: z
    .string()
    .max(50)
    .meta({ description: `One of: ${MEDIA_CONTACT_METHODS.join(', ')}` }),
  purpose: z.string().max(500),
  discussed: z.string().max(5000),
  authorisedBy: z.string().max(200).optional(),
})

const EXPORT_COLUMNS: Column<MediaContactView>[] = [
  { header: 'Staff number', value: (contact) => contact.staffNumber },
  { header: 'Name', value: (contact) => contact.staffName },
  { header: 'Grade', value: (contact) => contact.grade },
  { header: 'Unit', value: (contact) => contact.unit },
  { header: 'Date', value: (contact) => contact.contactOn },
  { header: 'Journalist', value: (contact) => contact.journalist },
  { header: 'Outlet', value: (contact) => contact.outlet },
  { header: 'Method', value: (contact) => contact.method },
  { header: 'Purpose', value: (contact) => contact.purpose },
  { header: 'What was discussed', value: (contact) => contact.discussed },
  { header: 'Authorised by', value: (contact) => contact.authorisedBy },
]

const LIST_COLUMNS = [
  { key: 'date', text: 'Date' },
  { key: 'staff', text: 'Member of staff' },
  { key: 'unit', text: 'Unit' },
  { key: 'journalist', text: 'Journalist' },
  { key: 'outlet', text: 'Outlet' },
  { key: 'method', text: 'Method' },
]

export const mediaContactsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const contacts = services.mediaContacts

  async function renderList(request: FastifyRequest, reply: FastifyReply) {
    const values = typedValues(request.query, FILTER_FIELDS)
    const showForce = request.caller.scope.kind === 'inspectorate'
    const parsed = mediaQuerySchema.safeParse(request.query)
    if (!parsed.success)
      return reply.code(400).render('media-contacts/views/list.njk', {
        values,
        showForce,
        errors: formErrors(firstMessages(parsed.error.issues)),
      })
    const query = parsed.data
    const {
      total,
      exact,
      contacts: rows,
    } = await contacts.list(
      request.caller,
      toFilter(query),
      { sort: query.sort, order: query.order },
      pageWindow(query.page),
    )
    const forcesById = showForce ? await services.forces.byId() : new Map<number, ForceReference>()
    return reply.render('media-contacts/views/list.njk', {
      values,
      showForce,
      total,
      exact,
      contacts: rows.map((contact) => ({
        ...forPage(contact),
        forceName: forcesById.get(contact.forceId)?.name,
      })),
      ...listNavigationIn(request, LIST, values, LIST_COLUMNS, { ...query, total, exact, rows: rows.length }),
      filtered: FILTER_FIELDS.some((field) => values[field]),
      canKeep: request.caller.scope.kind === 'force',
    })
  }

  app.get(LIST, { config: { access: READERS }, schema: { hide: true } }, renderList)

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `${LIST}.${format}`,
      { config: { access: READERS }, schema: { hide: true, querystring: mediaQuerySchema } },
      async (request, reply) => {
        const query = request.query as MediaQuery
        const rows = await contacts.exportRows(
          request.caller,
          toFilter(query),
          { sort: query.sort, order: query.order },
          format,
        )
        return sendExport(reply, format, 'media-contacts', EXPORT_COLUMNS, rows)
      },
    )
  }

  function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const forOthers = contacts.recordsForOthers(request.caller)
    if (!forOthers && !request.principal?.staffMemberId)
      return reply.code(errors ? 403 : 200).render('gifts-hospitality/views/not-linked.njk')
    return reply
      .code(errors ? 400 : 200)
      .render('media-contacts/views/new.njk', { values, errors, forOthers, methods: METHODS })
  }

  app.get(`${LIST}/new`, { config: { access: SELF }, schema: { hide: true } }, async (request, reply) =>
    newPage(request, reply, {}),
  )

  app.post(
    `${LIST}/new`,
    { config: { access: SELF }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        const contact = await contacts.create(request.caller, request.body)
        return reply.redirect(`${LIST}/${contact.id}?recorded=1`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return newPage(request, reply, request.body, formErrors(error.fieldErrors))
      }
    },
  )

  app.get(`${LIST}/mine`, { config: { access: SELF }, schema: { hide: true } }, async (request, reply) => {
    const linked = !!request.principal?.staffMemberId
    const mine = linked ? await contacts.mine(request.caller) : []
    return reply.render('media-contacts/views/mine.njk', { linked, contacts: mine.map(forPage) })
  })

  registerImportPages(app, {
    list: LIST,
    views: 'media-contacts/views',
    access: KEEPERS,
    columns: IMPORT_COLUMNS,
    importParam: 'mediaImportId',
    dryRun: (caller, file) => contacts.dryRunImport(caller, file),
    confirm: (caller, importId) => contacts.confirmImport(caller, importId),
  })

  app.get(
    `${LIST}/:mediaContactId`,
    { config: { access: ANY_VIEWER }, schema: { hide: true, params: contactParams } },
    async (request, reply) => {
      const { contact, history } = await contacts.findWithHistory(
        request.caller,
        request.params.mediaContactId,
      )
      return reply.render('media-contacts/views/show.njk', {
        contact: forPage(contact),
        history: historyOf(history),
        recorded: (request.query as { recorded?: string }).recorded === '1',
      })
    },
  )

  app.get(
    '/api/media-contacts',
    {
      config: { access: READERS, keepResponses: true },
      schema: {
        summary: 'List media contacts',
        description: `Contacts between staff and the media, ${PAGE_SIZE} to a page, with the same filters and sorting as the register’s page.`,
        tags: ['media contacts'],
        security: [{ apiToken: [] }],
        querystring: mediaQuerySchema,
        response: { 200: pagedJson('mediaContacts', contactJson) },
      },
    },
    async (request) => {
      const query = request.query
      const {
        total,
        exact,
        contacts: rows,
      } = await contacts.list(
        request.caller,
        toFilter(query),
        { sort: query.sort, order: query.order },
        pageWindow(query.page),
      )
      return pageOf('mediaContacts', rows.map(toJson), { page: query.page, total, exact })
    },
  )

  app.get(
    '/api/media-contacts/:mediaContactId',
    {
      config: { access: READERS },
      schema: {
        summary: 'One media contact',
        tags: ['media contacts'],
        security: [{ apiToken: [] }],
        params: contactParams,
        response: { 200: contactJson },
      },
    },
    async (request) => toJson(await contacts.find(request.caller, request.params.mediaContactId)),
  )

  app.post(
    '/api/media-contacts',
    {
      config: { access: KEEPERS },
      schema: {
        summary: 'Log a media contact for a member of staff',
        description:
          'The member of staff is named by their staff number on the force roster. A problem with any field answers 400 with a message per field in `details`.',
        tags: ['media contacts'],
        security: [{ apiToken: [] }],
        body: newContactJson,
        response: { 201: contactJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send(toJson(await contacts.create(request.caller, request.body)))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
