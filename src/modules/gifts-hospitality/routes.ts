import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { DONOR_TYPES, GIFT_DISPOSALS, GIFT_KINDS, GIFT_OUTCOMES } from '../../domain/registers.js'
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
import { personFromForm } from '../roster/picker.js'
import { IMPORT_COLUMNS } from './fields.js'
import { FILTER_FIELDS, type GiftQuery, giftQuerySchema, toGiftFilter } from './filters.js'
import type { GiftView } from './present.js'

const READERS: Access = ['force-caseworker', 'inspector']
const KEEPERS: Access = ['force-caseworker']
const SELF: Access = ['staff']
const ANY_VIEWER: Access = ['staff', 'inspector']
const ADMINS: Access = ['force-admin']

const giftParams = z.object({ giftId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))

const LIST = '/gifts-hospitality'

const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })
const CHOICES = {
  kinds: choicesOf(GIFT_KINDS),
  outcomes: choicesOf(GIFT_OUTCOMES),
  donorTypes: choicesOf(DONOR_TYPES),
  disposals: choicesOf(GIFT_DISPOSALS),
}

/** What the pages show of a record: the stored values plus words and tags for people. */
function forPage(gift: GiftView) {
  const tags: { text: string; classes: string }[] = []
  if (gift.flaggedDonor) tags.push({ text: `Flagged donor: ${gift.donorType}`, classes: 'govuk-tag--orange' })
  // A declined offer was never taken, so there is nothing to approve.
  if (gift.needsApproval && gift.outcome === 'accepted')
    tags.push({ text: 'Needs approval', classes: 'govuk-tag--red' })
  if (gift.belowDeclareThreshold) tags.push({ text: 'Below threshold', classes: 'govuk-tag--grey' })
  return {
    ...gift,
    value: money.format(gift.estimatedValue),
    offered: formatDay(gift.offeredOn),
    declared: formatDay(gift.declaredOn),
    tags,
  }
}

const giftJson = z
  .object({
    id: z.string(),
    staffMember: staffMemberReferenceJson,
    kind: z.enum(GIFT_KINDS),
    description: z.string(),
    donorName: z.string(),
    donorType: z.enum(DONOR_TYPES),
    flaggedDonor: z.boolean().meta({ description: 'The donor is a supplier, a contractor or the media' }),
    estimatedValue: z.number().meta({ description: 'Pounds sterling', example: 45 }),
    needsApproval: z.boolean().meta({ description: 'At or above the force’s approval threshold' }),
    belowDeclareThreshold: z.boolean().meta({ description: 'Under the force’s declaration threshold' }),
    offeredOn: z.string().meta({ example: '2012-02-14' }),
    declaredOn: z.string(),
    outcome: z.enum(GIFT_OUTCOMES),
    approver: z.string().nullable(),
    disposal: z.enum(GIFT_DISPOSALS).nullable(),
    notes: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'GiftOrHospitality' })

function toJson(gift: GiftView): z.infer<typeof giftJson> {
  return {
    id: gift.id,
    staffMember: staffMemberReferenceOf(gift),
    kind: gift.kind,
    description: gift.description,
    donorName: gift.donorName,
    donorType: gift.donorType,
    flaggedDonor: gift.flaggedDonor,
    estimatedValue: gift.estimatedValue,
    needsApproval: gift.needsApproval,
    belowDeclareThreshold: gift.belowDeclareThreshold,
    offeredOn: gift.offeredOn,
    declaredOn: gift.declaredOn,
    outcome: gift.outcome,
    approver: gift.approver,
    disposal: gift.disposal,
    notes: gift.notes,
    createdAt: new Date(gift.createdAt).toISOString(),
    updatedAt: new Date(gift.updatedAt).toISOString(),
  }
}

const newGiftJson = z.strictObject({
  staffNumber: z.string().max(50).meta({ description: 'The member of staff’s number on the force roster' }),
  kind: z.string().max(50).meta({ example: 'hospitality' }),
  description: z.string().max(2000),
  donorName: z.string().max(200),
  donorType: z
    .string()
    .max(50)
    .meta({ description: `One of: ${DONOR_TYPES.join(', ')}` }),
  estimatedValue: z.union([z.number(), z.string().max(20)]).meta({ description: 'Pounds', example: 45 }),
  offeredOn: z.string().max(20).meta({ example: '2012-02-14' }),
  outcome: z.string().max(20).meta({ description: 'accepted or declined' }),
  approver: z.string().max(200).optional(),
  // Checked here: the service would otherwise set the approver, disposal and notes aside together.
  disposal: z
    .union(
      [z.enum(GIFT_DISPOSALS), z.literal('')],
      `Disposal must be empty or one of: ${GIFT_DISPOSALS.join(', ')}`,
    )
    .optional()
    .meta({ description: `Empty or one of: ${GIFT_DISPOSALS.join(', ')}` }),
  notes: z.string().max(2000).optional(),
})

const EXPORT_COLUMNS: Column<GiftView>[] = [
  { header: 'Staff number', value: (gift) => gift.staffNumber },
  { header: 'Name', value: (gift) => gift.staffName },
  { header: 'Grade', value: (gift) => gift.grade },
  { header: 'Unit', value: (gift) => gift.unit },
  { header: 'Kind', value: (gift) => gift.kind },
  { header: 'Description', value: (gift) => gift.description },
  { header: 'Donor name', value: (gift) => gift.donorName },
  { header: 'Donor type', value: (gift) => gift.donorType },
  { header: 'Flagged donor', value: (gift) => gift.flaggedDonor },
  { header: 'Estimated value', value: (gift) => gift.estimatedValue },
  { header: 'Needs approval', value: (gift) => gift.needsApproval },
  { header: 'Offered on', value: (gift) => gift.offeredOn },
  { header: 'Declared on', value: (gift) => gift.declaredOn },
  { header: 'Outcome', value: (gift) => gift.outcome },
  { header: 'Approver', value: (gift) => gift.approver },
  { header: 'Disposal', value: (gift) => gift.disposal },
  { header: 'Notes', value: (gift) => gift.notes },
]

const LIST_COLUMNS = [
  { key: 'offered', text: 'Offered' },
  { key: 'staff', text: 'Member of staff' },
  { key: 'kind', text: 'Kind' },
  { key: 'donor', text: 'Donor' },
  { key: 'value', text: 'Value', numeric: true },
  { key: 'outcome', text: 'Outcome' },
]

export const giftsHospitalityRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const gifts = services.giftsHospitality

  async function renderList(request: FastifyRequest, reply: FastifyReply) {
    const values = typedValues(request.query, FILTER_FIELDS)
    const showForce = request.caller.scope.kind === 'inspectorate'
    const view = { values, showForce, choices: CHOICES }
    const parsed = giftQuerySchema.safeParse(request.query)
    if (!parsed.success)
      return reply.code(400).render('gifts-hospitality/views/list.njk', {
        ...view,
        errors: formErrors(firstMessages(parsed.error.issues)),
      })
    const query = parsed.data
    const {
      total,
      exact,
      gifts: rows,
    } = await gifts.list(
      request.caller,
      toGiftFilter(query),
      { sort: query.sort, order: query.order },
      pageWindow(query.page),
    )
    const forcesById = showForce ? await services.forces.byId() : new Map<number, ForceReference>()
    return reply.render('gifts-hospitality/views/list.njk', {
      ...view,
      total,
      exact,
      gifts: rows.map((gift) => ({ ...forPage(gift), forceName: forcesById.get(gift.forceId)?.name })),
      ...listNavigationIn(request, LIST, values, LIST_COLUMNS, { ...query, total, exact, rows: rows.length }),
      filtered: FILTER_FIELDS.some((field) => values[field]),
      canKeep: request.caller.scope.kind === 'force',
      isAdmin: request.principal?.role === 'force-admin',
    })
  }

  app.get(LIST, { config: { access: READERS }, schema: { hide: true } }, renderList)

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `${LIST}.${format}`,
      { config: { access: READERS }, schema: { hide: true, querystring: giftQuerySchema } },
      async (request, reply) => {
        const query = request.query as GiftQuery
        const rows = await gifts.exportRows(
          request.caller,
          toGiftFilter(query),
          { sort: query.sort, order: query.order },
          format,
        )
        return sendExport(reply, format, 'gifts-and-hospitality', EXPORT_COLUMNS, rows)
      },
    )
  }

  // Self-service: a member of staff declares an offer made to them.
  app.get(`${LIST}/declare`, { config: { access: SELF }, schema: { hide: true } }, async (request, reply) => {
    if (!request.principal?.staffMemberId) return reply.render('gifts-hospitality/views/not-linked.njk')
    return reply.render('gifts-hospitality/views/declare.njk', { values: {}, choices: CHOICES })
  })

  app.post(
    `${LIST}/declare`,
    { config: { access: SELF }, schema: { hide: true, body: form } },
    async (request, reply) => {
      if (!request.principal?.staffMemberId)
        return reply.code(403).render('gifts-hospitality/views/not-linked.njk')
      try {
        const gift = await gifts.declare(request.caller, request.body)
        return reply.flash('Declaration recorded').redirect(`${LIST}/${gift.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).render('gifts-hospitality/views/declare.njk', {
          values: request.body,
          choices: CHOICES,
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  app.get(`${LIST}/mine`, { config: { access: SELF }, schema: { hide: true } }, async (request, reply) => {
    const linked = !!request.principal?.staffMemberId
    const mine = linked ? await gifts.mine(request.caller) : []
    return reply.render('gifts-hospitality/views/mine.njk', { linked, gifts: mine.map(forPage) })
  })

  // A caseworker records an offer on behalf of a member of staff.
  app.get(`${LIST}/new`, { config: { access: KEEPERS }, schema: { hide: true } }, async (_request, reply) =>
    reply.render('gifts-hospitality/views/new.njk', { values: {}, choices: CHOICES }),
  )

  app.post(
    `${LIST}/new`,
    { config: { access: KEEPERS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        // The member of staff is found by name or staff number; when several match, the form asks which.
        const { member, candidates } = await personFromForm(
          services.roster,
          request.caller,
          request.body,
          true,
        )
        if (candidates)
          return reply.render('gifts-hospitality/views/new.njk', {
            values: request.body,
            choices: CHOICES,
            candidates,
          })
        const gift = await gifts.record(request.caller, { ...request.body, staffNumber: member?.staffNumber })
        return reply.flash(`Declaration recorded for ${member?.name}`).redirect(`${LIST}/${gift.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).render('gifts-hospitality/views/new.njk', {
          values: request.body,
          choices: CHOICES,
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  app.get(
    `${LIST}/settings`,
    { config: { access: ADMINS }, schema: { hide: true } },
    async (request, reply) => {
      const thresholds = await gifts.thresholds(request.caller)
      return reply.render('gifts-hospitality/views/settings.njk', {
        thresholds,
        values: {
          declareFrom: String(thresholds.declareFrom),
          approvalFrom: String(thresholds.approvalFrom),
        },
      })
    },
  )

  app.post(
    `${LIST}/settings`,
    { config: { access: ADMINS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        await gifts.setThresholds(request.caller, request.body)
        return reply.flash('Thresholds saved').redirect(`${LIST}/settings`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).render('gifts-hospitality/views/settings.njk', {
          thresholds: await gifts.thresholds(request.caller),
          values: request.body,
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  registerImportPages(app, {
    list: LIST,
    views: 'gifts-hospitality/views',
    access: KEEPERS,
    columns: IMPORT_COLUMNS,
    importParam: 'giftImportId',
    dryRun: (caller, file) => gifts.dryRunImport(caller, file),
    shown: (row) => ({ ...row, value: money.format(row.estimatedValue) }),
    confirm: (caller, importId) => gifts.confirmImport(caller, importId),
  })

  app.get(
    `${LIST}/:giftId`,
    { config: { access: ANY_VIEWER }, schema: { hide: true, params: giftParams } },
    async (request, reply) => {
      const { gift, history } = await gifts.findWithHistory(request.caller, request.params.giftId)
      const keeper =
        request.caller.scope.kind === 'force' &&
        ['force-admin', 'force-caseworker'].includes(request.principal?.role ?? '')
      return reply.render('gifts-hospitality/views/show.njk', {
        gift: forPage(gift),
        history: historyOf(history),
        keeper,
        values: { approver: gift.approver ?? '', disposal: gift.disposal ?? '', notes: gift.notes ?? '' },
        choices: CHOICES,
      })
    },
  )

  app.post(
    `${LIST}/:giftId/review`,
    { config: { access: KEEPERS }, schema: { hide: true, params: giftParams, body: form } },
    async (request, reply) => {
      try {
        await gifts.review(request.caller, request.params.giftId, request.body)
        return reply.flash('Approval and disposal saved').redirect(`${LIST}/${request.params.giftId}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const { gift, history } = await gifts.findWithHistory(request.caller, request.params.giftId)
        return reply.code(400).render('gifts-hospitality/views/show.njk', {
          gift: forPage(gift),
          history: historyOf(history),
          keeper: true,
          values: request.body,
          choices: CHOICES,
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  // JSON API.
  app.get(
    '/api/gifts-hospitality',
    {
      config: { access: READERS, keepResponses: true },
      schema: {
        summary: 'List gifts and hospitality declarations',
        description:
          `Every offer declared, accepted or declined, ${PAGE_SIZE} to a page, with the same filters and ` +
          'sorting as the register’s page. A force sees its own records; the inspectorate every force’s.',
        tags: ['gifts and hospitality'],
        security: [{ apiToken: [] }],
        querystring: giftQuerySchema,
        response: { 200: pagedJson('gifts', giftJson) },
      },
    },
    async (request) => {
      const query = request.query
      const {
        total,
        exact,
        gifts: rows,
      } = await gifts.list(
        request.caller,
        toGiftFilter(query),
        { sort: query.sort, order: query.order },
        pageWindow(query.page),
      )
      return pageOf('gifts', rows.map(toJson), { page: query.page, total, exact })
    },
  )

  app.get(
    '/api/gifts-hospitality/:giftId',
    {
      config: { access: READERS },
      schema: {
        summary: 'One gifts and hospitality declaration',
        tags: ['gifts and hospitality'],
        security: [{ apiToken: [] }],
        params: giftParams,
        response: { 200: giftJson },
      },
    },
    async (request) => toJson(await gifts.find(request.caller, request.params.giftId)),
  )

  app.post(
    '/api/gifts-hospitality',
    {
      config: { access: KEEPERS },
      schema: {
        summary: 'Record a gifts and hospitality declaration for a member of staff',
        description:
          'The member of staff is named by their staff number on the force roster; the date declared is ' +
          'today. A problem with any field answers 400 with a message per field in `details`.',
        tags: ['gifts and hospitality'],
        security: [{ apiToken: [] }],
        body: newGiftJson,
        response: { 201: giftJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        const gift = await gifts.record(request.caller, request.body)
        return reply.code(201).send(toJson(gift))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
