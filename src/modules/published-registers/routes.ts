import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { DEFAULT_MINIMUM_GROUP } from '../../domain/disclosure.js'
import { ValidationError } from '../../domain/errors.js'
import { GRADES } from '../../domain/grades.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import type { Access } from '../../web/authorisation.js'
import { sendExport } from '../../web/exports.js'
import { formErrors } from '../../web/forms.js'
import type { PublishedBusinessInterest, PublishedGift } from './service.js'

const FORCE_ADMINS: Access = ['force-admin']
const codeParams = z.object({ code: z.string().min(1).max(100) })

const NOT_PUBLISHED = 'Withheld'
/** A unit the disclosure rule leaves out (src/domain/disclosure.ts). */
const NOT_SHOWN = 'Not shown'

const INTEREST_COLUMNS: Column<PublishedBusinessInterest>[] = [
  { header: 'Name', value: (row) => row.name ?? NOT_PUBLISHED },
  { header: 'Grade', value: (row) => row.grade },
  { header: 'Unit', value: (row) => row.unit ?? NOT_SHOWN },
  { header: 'Category', value: (row) => row.category },
  { header: 'Grade and unit shown as', value: (row) => row.detail },
  { header: 'Nature', value: (row) => row.nature },
  { header: 'Hours per week', value: (row) => row.hoursPerWeek },
  { header: 'Paid', value: (row) => row.paid },
  { header: 'Decision', value: (row) => row.status },
  { header: 'Decided on', value: (row) => row.decidedOn },
]

const GIFT_COLUMNS: Column<PublishedGift>[] = [
  { header: 'Name', value: (row) => row.name ?? NOT_PUBLISHED },
  { header: 'Grade', value: (row) => row.grade },
  { header: 'Gift or hospitality', value: (row) => row.kind },
  { header: 'Description', value: (row) => row.description },
  { header: 'Donor', value: (row) => row.donorName },
  { header: 'Donor type', value: (row) => row.donorType },
  { header: 'Estimated value (£)', value: (row) => row.estimatedValue },
  { header: 'Offered on', value: (row) => row.offeredOn },
  { header: 'Accepted or declined', value: (row) => row.outcome },
  { header: 'Disposal', value: (row) => row.disposal },
]

export const publishedRegistersRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { publishedRegisters } = services

  app.get(
    '/forces/:code/published-registers',
    { config: { access: 'public' }, schema: { hide: true, params: codeParams } },
    async (request, reply) =>
      reply.render(
        'published-registers/views/landing.njk',
        await publishedRegisters.landing(request.params.code),
      ),
  )

  app.get(
    '/forces/:code/published-registers/business-interests',
    { config: { access: 'public' }, schema: { hide: true, params: codeParams } },
    async (request, reply) =>
      reply.render(
        'published-registers/views/business-interests.njk',
        await publishedRegisters.businessInterestsRegister(request.params.code),
      ),
  )

  app.get(
    '/forces/:code/published-registers/business-interests.csv',
    { config: { access: 'public' }, schema: { hide: true, params: codeParams } },
    async (request, reply) => {
      const { force, interests } = await publishedRegisters.businessInterestsRegister(request.params.code)
      return sendExport(reply, 'csv', `${force.code}-business-interests`, INTEREST_COLUMNS, interests)
    },
  )

  if (publishedRegisters.hasGifts) {
    app.get(
      '/forces/:code/published-registers/gifts-hospitality',
      { config: { access: 'public' }, schema: { hide: true, params: codeParams } },
      async (request, reply) =>
        reply.render(
          'published-registers/views/gifts-hospitality.njk',
          await publishedRegisters.giftsRegister(request.params.code),
        ),
    )
    app.get(
      '/forces/:code/published-registers/gifts-hospitality.csv',
      { config: { access: 'public' }, schema: { hide: true, params: codeParams } },
      async (request, reply) => {
        const { force, gifts } = await publishedRegisters.giftsRegister(request.params.code)
        return sendExport(reply, 'csv', `${force.code}-gifts-hospitality`, GIFT_COLUMNS, gifts)
      },
    )
  }

  app.get(
    '/published-registers/settings',
    {
      config: { access: FORCE_ADMINS },
      schema: { hide: true },
    },
    async (request, reply) =>
      reply.render('published-registers/views/settings.njk', {
        ...(await publishedRegisters.settings(request.caller)),
        grades: GRADES,
        smallestMinimum: DEFAULT_MINIMUM_GROUP,
      }),
  )

  app.post(
    '/published-registers/settings',
    {
      config: { access: FORCE_ADMINS },
      schema: { hide: true, body: z.record(z.string(), z.string().max(200)) },
    },
    async (request, reply) => {
      try {
        await publishedRegisters.updateSettings(request.caller, request.body)
        return reply
          .flash('The publication settings have been saved')
          .redirect('/published-registers/settings', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).render('published-registers/views/settings.njk', {
          ...(await publishedRegisters.settings(request.caller)),
          minimumGroup: request.body.minimumGroup,
          grades: GRADES,
          errors: formErrors(error.fieldErrors, { namesFromGrade: 'namesFromGrade' }),
        })
      }
    },
  )
}
