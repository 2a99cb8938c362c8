import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { userIdOf } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { FINDING_KINDS, JUDGEMENT_STATUSES } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { choicesOf, formErrors } from '../../web/forms.js'
import type { AuditEvent } from '../audit/service.js'
import type { FindingRow } from './queries.js'
import type { Fieldwork } from './service.js'

const INSPECTORS: Access = ['inspector']
const BASE = '/inspections/:inspectionId/forces/:forceCode/fieldwork'

const params = z.object({ inspectionId: z.string().max(100), forceCode: z.string().max(100) })
const findingParams = params.extend({ findingId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(20_000))

const pathOf = (p: { inspectionId: string; forceCode: string }) =>
  `/inspections/${encodeURIComponent(p.inspectionId)}/forces/${encodeURIComponent(p.forceCode)}/fieldwork`

/** What a form posted back shows again: which form, its values, and its errors (linked to its fields). */
interface Posted {
  form: string
  values: Record<string, string>
  fieldErrors: Record<string, string>
}

/** The id of each field of each form on the page, so the error summary's links land on the right one. */
function fieldIds(active: string): Record<string, string> {
  const [kind, area] = active.split(':')
  if (kind === 'note') return { note: `note-${area}`, area: `note-${area}`, form: `area-${area}` }
  if (kind === 'finding')
    return { kind: `kind-${area}`, text: `text-${area}`, area: `text-${area}`, form: `area-${area}` }
  if (kind === 'propose') return { judgement: 'judgement', rationale: 'rationale', form: 'judgement-section' }
  if (kind === 'confirm') return { note: 'confirm-note', form: 'judgement-section' }
  if (kind === 'return') return { note: 'return-note', form: 'judgement-section' }
  if (kind === 'reopen') return { reason: 'reopen-reason', form: 'judgement-section' }
  if (kind === 'move') return { form: `area-${area}`, direction: `area-${area}` }
  return { form: 'main-content' }
}

const KIND_TAGS: Record<string, string> = {
  strength: 'govuk-tag--green',
  'area for improvement': 'govuk-tag--yellow',
  'cause of concern': 'govuk-tag--red',
}
const STATUS_TAGS: Record<string, string> = {
  proposed: 'govuk-tag--blue',
  confirmed: 'govuk-tag--green',
  returned: 'govuk-tag--orange',
}

/** What the banner says after each change to the page. */
const NOTICES = {
  note: 'Evidence note added',
  finding: 'Finding added',
  edited: 'Finding changed',
  deleted: 'Finding deleted',
  moved: 'Finding moved',
  propose: 'Judgement proposed: another inspector must confirm it',
  confirm: 'Judgement confirmed',
  return: 'Judgement returned to be proposed again',
  reopen: 'Judgement reopened',
} as const

function historyOf(events: AuditEvent[]) {
  return events.map((event) => {
    const after = (event.after ?? {}) as { judgement?: string; note?: string | null; rationale?: string }
    return {
      occurredAt: event.occurredAt,
      actor: event.actorLabel,
      action: event.action,
      judgement: after.judgement ?? '',
      note: after.note ?? after.rationale ?? '',
    }
  })
}

export const findingJson = z
  .object({
    id: z.string(),
    area: z.string().meta({ description: 'The area’s code' }),
    kind: z.enum(FINDING_KINDS),
    text: z.string(),
    position: z.number().int().meta({ description: 'The order within its area, from 1' }),
  })
  .meta({ id: 'Finding' })

const fieldworkJson = z
  .object({
    inspection: z.object({ id: z.string(), code: z.string(), title: z.string() }),
    force: z.object({ code: z.string(), name: z.string() }),
    judgementScale: z.array(z.string()),
    judgement: z
      .object({
        judgement: z.string(),
        status: z.enum(JUDGEMENT_STATUSES),
        rationale: z.string().nullable(),
        proposedBy: z.string(),
        proposedAt: z.string(),
        moderatedBy: z.string().nullable(),
        moderatedAt: z.string().nullable(),
        moderationNote: z.string().nullable(),
      })
      .nullable(),
    areas: z.array(
      z.object({
        code: z.string(),
        title: z.string(),
        notes: z.array(
          z.object({ id: z.string(), note: z.string(), author: z.string(), createdAt: z.string() }),
        ),
        findings: z.array(findingJson),
      }),
    ),
  })
  .meta({ id: 'Fieldwork' })

function toJson(fieldwork: Fieldwork): z.infer<typeof fieldworkJson> {
  const { assessment, judgement } = fieldwork
  return {
    inspection: {
      id: assessment.inspection.id,
      code: assessment.inspection.code,
      title: assessment.inspection.title,
    },
    force: { code: assessment.force.code, name: assessment.force.name },
    judgementScale: fieldwork.scale,
    judgement: judgement && {
      judgement: judgement.judgement,
      status: judgement.status,
      rationale: judgement.rationale,
      proposedBy: judgement.proposedByLabel,
      proposedAt: judgement.proposedAt.toISOString(),
      moderatedBy: judgement.moderatedByLabel,
      moderatedAt: judgement.moderatedAt?.toISOString() ?? null,
      moderationNote: judgement.moderationNote,
    },
    areas: fieldwork.areas.map(({ area, notes, findings }) => ({
      code: area.code,
      title: area.title,
      notes: notes.map((n) => ({
        id: n.id,
        note: n.note,
        author: n.authorLabel,
        createdAt: n.createdAt.toISOString(),
      })),
      findings: findings.map((f) => findingOut(f, area.code)),
    })),
  }
}

const findingOut = (f: FindingRow, area: string) => ({
  id: f.id,
  area,
  kind: f.kind,
  text: f.text,
  position: f.position,
})

export const fieldworkRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const fieldwork = services.fieldwork

  async function renderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    p: { inspectionId: string; forceCode: string },
    posted?: Posted,
  ) {
    const page = await fieldwork.fieldwork(request.caller, p.inspectionId, p.forceCode)
    const history = await fieldwork.judgementHistory(request.caller, page.assessment)
    const me = userIdOf(request.caller)
    const judgement = page.judgement
    const errors = posted && formErrors(posted.fieldErrors, fieldIds(posted.form))
    return reply.code(posted ? 400 : 200).render('fieldwork/views/fieldwork.njk', {
      ...page,
      base: pathOf(p),
      hub: pathOf(p).replace(/\/fieldwork$/, ''),
      kinds: choicesOf(FINDING_KINDS),
      kindTags: KIND_TAGS,
      statusTags: STATUS_TAGS,
      isProposer: !!judgement && judgement.proposedBy === me,
      history: historyOf(history),
      active: posted?.form ?? '',
      values: posted?.values ?? {},
      fe: errors?.fields ?? {},
      errors,
    })
  }

  app.get(BASE, { config: { access: INSPECTORS }, schema: { hide: true, params } }, async (request, reply) =>
    renderPage(request, reply, request.params),
  )

  type Params = { inspectionId: string; forceCode: string; findingId?: string }
  type Body = Record<string, string>

  /** A form's post: run it, then back to the page (at the part changed), or the page with its errors. */
  function post(
    url: string,
    name: (body: Body) => string,
    run: (
      request: FastifyRequest,
      p: Params,
      body: Body,
    ) => Promise<{ done: keyof typeof NOTICES; anchor: string }>,
    schemaParams: typeof params | typeof findingParams = params,
  ) {
    app.post(
      url,
      { config: { access: INSPECTORS }, schema: { hide: true, params: schemaParams, body: form } },
      async (request, reply) => {
        const p = request.params as Params
        try {
          const { done, anchor } = await run(request, p, request.body)
          return reply.flash(NOTICES[done]).redirect(`${pathOf(p)}#${anchor}`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return renderPage(request, reply, p, {
            form: name(request.body),
            values: request.body,
            fieldErrors: error.fieldErrors,
          })
        }
      },
    )
  }

  const areaOf = (body: Body) => String(body.area ?? '')

  post(
    `${BASE}/notes`,
    (body) => `note:${areaOf(body)}`,
    async (request, p, body) => {
      await fieldwork.addNote(request.caller, p.inspectionId, p.forceCode, body)
      return { done: 'note', anchor: `area-${areaOf(body)}` }
    },
  )

  post(
    `${BASE}/findings`,
    (body) => `finding:${areaOf(body)}`,
    async (request, p, body) => {
      await fieldwork.addFinding(request.caller, p.inspectionId, p.forceCode, body)
      return { done: 'finding', anchor: `area-${areaOf(body)}` }
    },
  )

  async function findingAnchor(request: FastifyRequest, p: Params) {
    const { area } = await fieldwork.finding(request.caller, p.inspectionId, p.forceCode, p.findingId ?? '')
    return `area-${area.code}`
  }

  post(
    `${BASE}/findings/:findingId/move`,
    (body) => `move:${areaOf(body)}`,
    async (request, p, body) => {
      await fieldwork.moveFinding(request.caller, p.inspectionId, p.forceCode, p.findingId ?? '', body)
      return { done: 'moved', anchor: await findingAnchor(request, p) }
    },
    findingParams,
  )

  post(
    `${BASE}/findings/:findingId/delete`,
    () => 'delete',
    async (request, p) => {
      const anchor = await findingAnchor(request, p)
      await fieldwork.deleteFinding(request.caller, p.inspectionId, p.forceCode, p.findingId ?? '')
      return { done: 'deleted', anchor }
    },
    findingParams,
  )

  for (const action of ['propose', 'confirm', 'return', 'reopen'] as const) {
    post(
      action === 'propose' ? `${BASE}/judgement` : `${BASE}/judgement/${action}`,
      () => action,
      async (request, p, body) => {
        const run = {
          propose: fieldwork.proposeJudgement,
          confirm: fieldwork.confirmJudgement,
          return: fieldwork.returnJudgement,
          reopen: fieldwork.reopenJudgement,
        }[action].bind(fieldwork)
        await run(request.caller, p.inspectionId, p.forceCode, body)
        return { done: action, anchor: 'judgement-section' }
      },
    )
  }

  // Editing a finding has a page of its own, with the way to delete it.
  async function renderEdit(
    request: FastifyRequest,
    reply: FastifyReply,
    p: z.infer<typeof findingParams>,
    posted?: { values: Record<string, string>; fieldErrors: Record<string, string> },
  ) {
    const { assessment, finding, area } = await fieldwork.finding(
      request.caller,
      p.inspectionId,
      p.forceCode,
      p.findingId,
    )
    const errors = posted && formErrors(posted.fieldErrors)
    return reply.code(posted ? 400 : 200).render('fieldwork/views/finding.njk', {
      assessment,
      finding,
      area,
      base: pathOf(p),
      kinds: choicesOf(FINDING_KINDS),
      values: posted?.values ?? { kind: finding.kind, text: finding.text },
      errors,
      fe: errors?.fields ?? {},
    })
  }

  app.get(
    `${BASE}/findings/:findingId`,
    { config: { access: INSPECTORS }, schema: { hide: true, params: findingParams } },
    async (request, reply) => renderEdit(request, reply, request.params),
  )

  // Deleting a finding asks first.
  app.get(
    `${BASE}/findings/:findingId/delete`,
    { config: { access: INSPECTORS }, schema: { hide: true, params: findingParams } },
    async (request, reply) => {
      const p = request.params
      const found = await fieldwork.finding(request.caller, p.inspectionId, p.forceCode, p.findingId)
      return reply.render('fieldwork/views/delete-finding.njk', { ...found, base: pathOf(p) })
    },
  )

  app.post(
    `${BASE}/findings/:findingId`,
    { config: { access: INSPECTORS }, schema: { hide: true, params: findingParams, body: form } },
    async (request, reply) => {
      const p = request.params
      try {
        await fieldwork.editFinding(request.caller, p.inspectionId, p.forceCode, p.findingId, request.body)
        return reply.flash(NOTICES.edited).redirect(`${pathOf(p)}#${await findingAnchor(request, p)}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderEdit(request, reply, p, { values: request.body, fieldErrors: error.fieldErrors })
      }
    },
  )

  app.get(
    `/api${BASE}`,
    {
      config: { access: INSPECTORS },
      schema: {
        summary: 'A force’s fieldwork in an inspection',
        description:
          'Evidence notes and findings per framework area (findings in report order) and the headline judgement with its moderation. The inspectorate only.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        response: { 200: fieldworkJson },
      },
    },
    async (request) =>
      toJson(
        await fieldwork.fieldwork(request.caller, request.params.inspectionId, request.params.forceCode),
      ),
  )

  app.post(
    `/api${BASE}/findings`,
    {
      config: { access: INSPECTORS },
      schema: {
        summary: 'Add a finding to a force’s fieldwork',
        description: 'The finding goes last in its area. A problem with any field answers 400.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        body: z.strictObject({
          area: z.string().max(100).meta({ description: 'The framework area’s code' }),
          kind: z
            .string()
            .max(100)
            .meta({ description: `One of: ${FINDING_KINDS.join(', ')}` }),
          text: z.string().max(5000),
        }),
        response: { 201: findingJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        const { inspectionId, forceCode } = request.params
        const row = await fieldwork.addFinding(request.caller, inspectionId, forceCode, request.body)
        const { area } = await fieldwork.finding(request.caller, inspectionId, forceCode, row.id)
        return reply.code(201).send(findingOut(row, area.code))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
