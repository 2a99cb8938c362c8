import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { CASE_LINK_LABELS, CASE_LINK_TYPES, CASE_OUTCOMES } from '../../domain/cases.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { choicesOf, formErrors } from '../../web/forms.js'
import { personFromForm } from '../roster/picker.js'
import type { StaffMember } from '../roster/service.js'
import { presentRegisterMatch } from './present.js'

const READERS: Access = ['force-caseworker', 'inspector']
const KEEPERS: Access = ['force-caseworker']
const LIST = '/cases'

const caseParams = z.object({ caseId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))
const REGISTERS = CASE_LINK_TYPES.map((value) => ({ value, text: CASE_LINK_LABELS[value] }))

/**
 * One case: its page (only its header when restricted), and every change made from there: subjects,
 * links to register entries (with their search), assignment, target date, status, closing, notes,
 * the caseworkers named on it and whether it is confidential.
 */
export const caseRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const cases = services.integrityCases

  async function renderCase(
    request: FastifyRequest,
    reply: FastifyReply,
    caseId: string,
    extra: {
      errors?: ReturnType<typeof formErrors>
      values?: Record<string, unknown>
      /** The members of staff a subject's name matched, to choose from. */
      candidates?: StaffMember[]
    } = {},
  ) {
    const { lookup, timeline } = await cases.findWithTimeline(request.caller, caseId)
    if (lookup.restricted)
      return reply.render('integrity-cases/views/restricted.njk', {
        header: lookup.header,
      })
    const { detail } = lookup
    const keeps = cases.keepsCases(request.caller)
    return reply.code(extra.errors ? 400 : 200).render('integrity-cases/views/show.njk', {
      item: detail.case,
      subjects: detail.subjects,
      links: detail.links,
      named: detail.named,
      timeline,
      keeps,
      caseworkers: keeps ? await cases.caseworkers(request.caller) : [],
      values: extra.values ?? {},
      errors: extra.errors,
      candidates: extra.candidates,
    })
  }

  /** A case the caller may change, for a page that asks before a change: refused when restricted. */
  async function changeableCase(request: FastifyRequest, caseId: string) {
    const lookup = await cases.find(request.caller, caseId)
    if (lookup.restricted) throw new ForbiddenError('This case is restricted to the caseworkers named on it')
    return lookup.detail
  }

  async function renderClose(
    request: FastifyRequest,
    reply: FastifyReply,
    caseId: string,
    values: Record<string, unknown> = {},
    errors?: ReturnType<typeof formErrors>,
  ) {
    const detail = await changeableCase(request, caseId)
    if (detail.case.status === 'closed') throw new NotFoundError('This case is already closed')
    return reply.code(errors ? 400 : 200).render('integrity-cases/views/close.njk', {
      item: detail.case,
      outcomes: choicesOf(CASE_OUTCOMES),
      values,
      errors,
    })
  }

  /**
   * The search for a register entry to link: the words typed (`q`) and the register, and once searched,
   * the matches, each linked by a button. `linkErrors`: why a record chosen could not be linked.
   */
  async function renderFindRecord(
    request: FastifyRequest,
    reply: FastifyReply,
    caseId: string,
    values: Record<string, string | undefined>,
    linkErrors: Record<string, string> = {},
  ) {
    const detail = await changeableCase(request, caseId)
    let errors = linkErrors
    let found: Awaited<ReturnType<typeof cases.findRegisterEntries>> | undefined
    if (values.q !== undefined)
      try {
        found = await cases.findRegisterEntries(request.caller, caseId, values)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        errors = { ...error.fieldErrors, ...linkErrors }
      }
    const failed = Object.keys(errors).length > 0
    return reply.code(failed ? 400 : 200).render('integrity-cases/views/find-record.njk', {
      item: detail.case,
      values,
      registers: REGISTERS,
      matches: found?.matches.map(presentRegisterMatch),
      more: found?.more,
      errors: failed ? formErrors(errors, { entityId: 'q', entityType: 'q' }) : undefined,
    })
  }

  app.get(
    `${LIST}/:caseId/links/find`,
    { config: { access: KEEPERS }, schema: { hide: true, params: caseParams, querystring: form } },
    async (request, reply) => renderFindRecord(request, reply, request.params.caseId, request.query),
  )

  // Closing and taking a subject off a case each ask first, apart from the case's everyday actions.
  app.get(
    `${LIST}/:caseId/close`,
    { config: { access: KEEPERS }, schema: { hide: true, params: caseParams } },
    async (request, reply) => renderClose(request, reply, request.params.caseId),
  )

  app.get(
    `${LIST}/:caseId/subjects/:staffMemberId/remove`,
    {
      config: { access: KEEPERS },
      schema: { hide: true, params: caseParams.extend({ staffMemberId: z.string().max(100) }) },
    },
    async (request, reply) => {
      const detail = await changeableCase(request, request.params.caseId)
      const subject = detail.subjects.find((s) => s.staffMemberId === request.params.staffMemberId)
      if (!subject) throw new NotFoundError('No such subject on this case')
      return reply.render('integrity-cases/views/remove-subject.njk', { item: detail.case, subject })
    },
  )

  app.get(
    `${LIST}/:caseId`,
    { config: { access: READERS }, schema: { hide: true, params: caseParams } },
    async (request, reply) => renderCase(request, reply, request.params.caseId),
  )

  // A subject is found by name or staff number; when several match, the case page asks which.
  app.post(
    `${LIST}/:caseId/subjects`,
    { config: { access: KEEPERS }, schema: { hide: true, params: caseParams, body: form } },
    async (request, reply) => {
      const { caseId } = request.params
      await cases.checkChangeable(request.caller, caseId)
      const values = { ...request.body, action: 'subjects' }
      try {
        const { member, candidates } = await personFromForm(
          services.roster,
          request.caller,
          request.body,
          true,
        )
        if (candidates) return renderCase(request, reply, caseId, { values, candidates })
        await cases.addSubject(request.caller, caseId, { staffNumber: member?.staffNumber })
        return reply.flash(`${member?.name} added as a subject`).redirect(`${LIST}/${caseId}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderCase(request, reply, caseId, { errors: formErrors(error.fieldErrors), values })
      }
    },
  )

  /** Each action on a case, and what the banner says it did. */
  const actions: Record<
    string,
    (caller: FastifyRequest['caller'], id: string, body: Record<string, string>) => Promise<string>
  > = {
    'remove-subject': (caller, id, body) =>
      cases.removeSubject(caller, id, body.staffMemberId ?? '').then(() => 'Subject removed from the case'),
    links: (caller, id, body) => cases.addLink(caller, id, body).then(() => 'Register entry linked'),
    assign: (caller, id, body) => cases.assign(caller, id, body).then(() => 'Caseworker assigned'),
    target: async (caller, id, body) =>
      (await cases.setTarget(caller, id, body)).targetDate ? 'Target date set' : 'Target date taken off',
    status: async (caller, id, body) => `Case ${(await cases.setStatus(caller, id, body)).status}`,
    close: async (caller, id, body) => `Case closed: ${(await cases.close(caller, id, body)).outcome}`,
    notes: (caller, id, body) => cases.addNote(caller, id, body).then(() => 'Note added'),
    name: (caller, id, body) => cases.name(caller, id, body).then(() => 'Caseworker named on the case'),
    unname: (caller, id, body) => cases.unname(caller, id, body).then(() => 'Caseworker taken off the case'),
    confidential: async (caller, id, body) =>
      (await cases.setConfidential(caller, id, body.confidential === 'yes')).confidential
        ? 'Case made confidential'
        : 'Case opened to all caseworkers',
  }
  for (const [action, run] of Object.entries(actions)) {
    app.post(
      `${LIST}/:caseId/${action}`,
      { config: { access: KEEPERS }, schema: { hide: true, params: caseParams, body: form } },
      async (request, reply) => {
        try {
          const done = await run(request.caller, request.params.caseId, request.body)
          return reply.flash(done).redirect(`${LIST}/${request.params.caseId}`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          if (action === 'links')
            return renderFindRecord(
              request,
              reply,
              request.params.caseId,
              { q: request.body.q, register: request.body.register },
              error.fieldErrors,
            )
          if (action === 'close')
            return renderClose(
              request,
              reply,
              request.params.caseId,
              request.body,
              formErrors(error.fieldErrors),
            )
          return renderCase(request, reply, request.params.caseId, {
            errors: formErrors(error.fieldErrors),
            values: { ...request.body, action },
          })
        }
      },
    )
  }
}
