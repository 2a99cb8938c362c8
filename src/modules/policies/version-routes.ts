import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { gatherDateInputs } from '../../domain/date-input.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { type FormErrors, formErrors } from '../../web/forms.js'
import { inLanguageOf } from '../../web/i18n/catalogue.js'
import { MAX_DOCUMENT_BYTES } from './fields.js'
import { documentOf, fieldsOf, formBody, text } from './form-input.js'
import { dayIn } from './present.js'
import { describeAudience, percent, trendChartSvg } from './rules.js'

const READERS: Access = ['force-caseworker', 'inspector']
const MANAGERS: Access = ['force-admin']
/** A version's page: the force's staff (their own, or any unrestricted one) and the inspectorate. */
const VERSION_READERS: Access = ['staff', 'inspector']
const STAFF: Access = ['staff']

const policyParams = z.object({ policyId: z.string().max(100) })
const versionParams = z.object({ versionId: z.string().max(100) })

/**
 * A policy's versions: drafting one (with its document), its page, its questions, publishing it and
 * asking those who fit its audience since, acknowledging it, and its awareness.
 */
export const policyVersionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const policies = services.policies

  async function newVersionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    policyId: string,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const { policy, versions } = await policies.findPolicyToChange(request.caller, policyId)
    const latest = versions[0]
    return reply.code(errors ? 400 : 200).render('policies/views/new-version.njk', {
      policy,
      number: (latest?.number ?? 0) + 1,
      values: errors
        ? values
        : {
            title: latest?.title ?? policy.title,
            owner: latest?.owner ?? '',
            nationalGuidance: latest?.nationalGuidance ? 'yes' : '',
            guidanceName: latest?.guidanceName ?? '',
          },
      errors,
      maxMb: MAX_DOCUMENT_BYTES / 1024 / 1024,
    })
  }

  app.get(
    '/policies/:policyId/versions/new',
    { config: { access: MANAGERS }, schema: { hide: true, params: policyParams } },
    async (request, reply) => newVersionPage(request, reply, request.params.policyId, {}),
  )

  app.post(
    '/policies/:policyId/versions/new',
    { config: { access: MANAGERS }, schema: { hide: true, params: policyParams } },
    async (request, reply) => {
      // A multipart form's date inputs are gathered here: the shared hook reads plain forms only.
      const values = gatherDateInputs(text(fieldsOf(request)))
      try {
        const created = await policies.createVersion(
          request.caller,
          request.params.policyId,
          values,
          await documentOf(request),
        )
        return reply
          .flash('Draft saved: add any questions, then publish it')
          .redirect(`/policies/versions/${created.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return newVersionPage(request, reply, request.params.policyId, values, formErrors(error.fieldErrors))
      }
    },
  )

  // --- one version --------------------------------------------------------------------------------

  async function renderVersion(
    request: FastifyRequest,
    reply: FastifyReply,
    versionId: string,
    extra: { errors?: FormErrors; values?: Record<string, unknown>; form?: string } = {},
  ) {
    const view = await policies.findVersion(request.caller, versionId)
    const { version } = view
    const choices =
      view.manages && version.status === 'draft'
        ? await policies.audienceChoices(request.caller)
        : { units: [], grades: [] }
    const values = extra.values ?? {}
    const chosen = (name: string) => [values[name] ?? []].flat()
    return reply.code(extra.errors ? 400 : 200).render('policies/views/version.njk', {
      ...view,
      version: {
        ...version,
        effective: dayIn(request, version.effectiveDate),
        review: dayIn(request, version.reviewDate),
        published: dayIn(request, version.publishedOn),
        due: dayIn(request, version.deadline),
        audienceText: describeAudience(version.audience),
        sizeKb: version.documentSize ? Math.max(1, Math.round(version.documentSize / 1024)) : 0,
      },
      paragraphs: (version.body ?? '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
      request: view.request ? { ...view.request, due: dayIn(request, view.request.dueOn) } : null,
      units: choices.units.map((unit) => ({
        value: unit,
        text: unit,
        checked: chosen('units').includes(unit),
      })),
      grades: choices.grades.map((grade) => ({
        value: grade,
        text: grade,
        checked: chosen('grades').includes(grade),
      })),
      values,
      errors: extra.errors,
      form: extra.form,
    })
  }

  app.get(
    '/policies/versions/:versionId',
    { config: { access: VERSION_READERS }, schema: { hide: true, params: versionParams } },
    async (request, reply) => renderVersion(request, reply, request.params.versionId),
  )

  // Removing a question from a draft asks first.
  app.get(
    '/policies/versions/:versionId/questions/:index/remove',
    {
      config: { access: MANAGERS },
      schema: {
        hide: true,
        params: versionParams.extend({ index: z.coerce.number().int().min(0).max(1000) }),
      },
    },
    async (request, reply) => {
      const { version, policy, manages } = await policies.findVersion(
        request.caller,
        request.params.versionId,
      )
      const question = version.questions[request.params.index]
      if (!manages || version.status !== 'draft' || !question) throw new NotFoundError('No such question')
      return reply.render('policies/views/remove-question.njk', {
        version,
        policy,
        question,
        index: request.params.index,
      })
    },
  )

  app.get(
    '/policies/versions/:versionId/document',
    { config: { access: VERSION_READERS }, schema: { hide: true, params: versionParams } },
    async (request, reply) => {
      const document = await policies.document(request.caller, request.params.versionId)
      const safeName = document.name.replace(/["\\\r\n]/g, '_')
      return reply
        .header('content-disposition', `attachment; filename="${safeName}"`)
        .header('cache-control', 'private, no-store')
        .type(document.type)
        .send(document.data)
    },
  )

  app.post(
    '/policies/versions/:versionId/acknowledge',
    { config: { access: STAFF }, schema: { hide: true, params: versionParams, body: formBody } },
    async (request, reply) => {
      try {
        await policies.acknowledge(request.caller, request.params.versionId, request.body)
        return reply
          .flash('Thank you: your acknowledgement has been recorded')
          .redirect('/policies/mine', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderVersion(request, reply, request.params.versionId, {
          errors: formErrors(error.fieldErrors, { q0: 'q0', read: 'read' }),
          values: request.body,
          form: 'acknowledge',
        })
      }
    },
  )

  const actions: Record<
    string,
    {
      /** Makes the change; says where to go next and what to tell the manager there. */
      run: (
        request: FastifyRequest,
        id: string,
        body: Record<string, string | string[]>,
      ) => Promise<{ to: string; banner: string }>
      ids?: Record<string, string>
    }
  > = {
    questions: {
      run: async (request, id, body) => {
        await policies.addQuestion(request.caller, id, text(body))
        return { to: `/policies/versions/${id}#questions`, banner: 'Question added' }
      },
    },
    'remove-question': {
      run: async (request, id, body) => {
        await policies.removeQuestion(request.caller, id, Number(body.index ?? -1))
        return { to: `/policies/versions/${id}#questions`, banner: 'Question removed' }
      },
    },
    publish: {
      run: async (request, id, body) => {
        const { asked } = await policies.publish(request.caller, id, body)
        return {
          to: `/policies/versions/${id}`,
          banner: `Published: ${asked} members of staff asked to acknowledge it`,
        }
      },
      ids: { audience: 'audience', units: 'units', grades: 'grades', restricted: 'restricted' },
    },
    'refresh-audience': {
      run: async (request, id) => {
        const { asked } = await policies.refreshAudience(request.caller, id)
        return {
          to: `/policies/versions/${id}`,
          banner: `${asked} more members of staff asked to acknowledge it`,
        }
      },
    },
  }
  for (const [action, { run, ids }] of Object.entries(actions)) {
    app.post(
      `/policies/versions/:versionId/${action}`,
      { config: { access: MANAGERS }, schema: { hide: true, params: versionParams, body: formBody } },
      async (request, reply) => {
        try {
          const { to, banner } = await run(request, request.params.versionId, request.body)
          return reply.flash(banner).redirect(to, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return renderVersion(request, reply, request.params.versionId, {
            errors: formErrors(error.fieldErrors, ids),
            values: request.body,
            form: action,
          })
        }
      },
    )
  }

  app.get(
    '/policies/versions/:versionId/awareness',
    { config: { access: READERS }, schema: { hide: true, params: versionParams } },
    async (request, reply) => {
      const view = await policies.findVersion(request.caller, request.params.versionId)
      const { figures, overdueByUnit, trend } = await policies.versionAwareness(
        request.caller,
        request.params.versionId,
      )
      const title = request.t('policies.chart.title', { title: figures.policyTitle, number: figures.number })
      return reply.render('policies/views/version-awareness.njk', {
        policy: view.policy,
        figures: {
          ...figures,
          percent: percent(figures.rate),
          published: dayIn(request, figures.publishedOn),
          due: dayIn(request, figures.deadline),
          audienceText: describeAudience(figures.audience),
        },
        overdueByUnit,
        chart: trendChartSvg('trend', title, trend, (english) => inLanguageOf(request.language, english)),
        trend: trend.map((point) => ({
          ...point,
          day: dayIn(request, point.day),
          percent: percent(point.rate),
        })),
      })
    },
  )
}
