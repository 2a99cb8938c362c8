import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'
import { registerImportPages } from '../../web/import-routes.js'
import { LIST_LIMIT } from './service.js'
import { SUPPLIER_COLUMNS, suppliersImport } from './suppliers-import.js'

const KEEPERS: Access = ['force-caseworker']
const LIST = '/organisations'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const organisationParams = z.object({ organisationId: z.string().max(100) })
const listQuery = z.object({ q: z.string().max(300).optional() })
const decisionForm = z.object({
  first: z.string().max(100).default(''),
  second: z.string().max(100).default(''),
  decision: z.string().max(20).default(''),
})

const REGISTER_PAGES = {
  gifts: { text: 'Gift or hospitality', href: '/gifts-hospitality' },
  'second-jobs': { text: 'Second job', href: '/business-interests' },
  'media-contacts': { text: 'Media contact', href: '/media-contacts' },
} as const

/** Organisations (/organisations): the list, each one's records, proposed matches and the supplier list. */
export const organisationsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const organisations = services.organisations

  app.get(
    LIST,
    { config: { access: KEEPERS }, schema: { hide: true, querystring: listQuery } },
    async (request, reply) => {
      const search = request.query.q?.trim() ?? ''
      const rows = await organisations.list(request.caller, search)
      return reply.render('organisations/views/list.njk', { rows, search, limit: LIST_LIMIT })
    },
  )

  async function renderMatches(
    request: FastifyRequest,
    reply: FastifyReply,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const matches = await organisations.proposedMatches(request.caller)
    return reply.code(errors ? 400 : 200).render('organisations/views/matches.njk', { matches, errors })
  }

  app.get(`${LIST}/matches`, { config: { access: KEEPERS }, schema: { hide: true } }, (request, reply) =>
    renderMatches(request, reply),
  )

  app.post(
    `${LIST}/matches`,
    { config: { access: KEEPERS }, schema: { hide: true, body: decisionForm } },
    async (request, reply) => {
      const { first, second, decision } = request.body
      try {
        if (!UUID.test(first) || !UUID.test(second)) throw new NotFoundError('No such organisation')
        if (decision !== 'same' && decision !== 'different')
          throw new ValidationError({ decision: 'Choose whether they are the same organisation' })
        const { name } = await organisations.decide(request.caller, first, second, decision === 'same')
        const done =
          decision === 'same' ? `Merged into ${name}` : `${name} and the other organisation are kept apart`
        return reply.flash(done).redirect(`${LIST}/matches`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderMatches(request, reply, formErrors(error.fieldErrors))
      }
    },
  )

  app.get(
    `${LIST}/suppliers`,
    { config: { access: KEEPERS }, schema: { hide: true } },
    async (request, reply) =>
      reply.render('organisations/views/suppliers.njk', {
        contracts: await organisations.contracts(request.caller),
      }),
  )

  const supplierImport = suppliersImport(services.pendingImports)
  registerImportPages(app, {
    list: `${LIST}/suppliers`,
    views: 'imports/views',
    access: KEEPERS,
    columns: SUPPLIER_COLUMNS,
    importParam: 'supplierImportId',
    dryRun: (caller, file) => supplierImport.dryRun(caller, file),
    confirm: (caller, importId) => supplierImport.confirm(caller, importId),
    page: {
      title: 'Import the supplier list',
      list: { href: `${LIST}/suppliers`, text: 'Supplier list' },
      help: [
        'One row for each contract, as your procurement system exports it: the supplier, its Companies House number if it has one, the contract’s reference, what it is for, and the unit that manages it (as the roster names units).',
        'A contract already listed (by its reference) is updated. A supplier is matched to the organisations your registers already name by its name or company number.',
      ],
      headings: ['Supplier', 'Company number', 'Contract', 'Managing unit'],
    },
    template: { name: 'supplier-list-template' },
  })

  app.get(
    `${LIST}/:organisationId`,
    { config: { access: KEEPERS }, schema: { hide: true, params: organisationParams } },
    async (request, reply) => {
      const id = request.params.organisationId
      if (!UUID.test(id)) throw new NotFoundError('No such organisation')
      const { organisation, keys, contracts, records } = await organisations.show(request.caller, id)
      return reply.render('organisations/views/show.njk', {
        organisation,
        keys,
        contracts,
        records: records.map((record) => ({
          ...record,
          kind: REGISTER_PAGES[record.register].text,
          href: `${REGISTER_PAGES[record.register].href}/${record.id}`,
        })),
      })
    },
  )
}
