import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod'
import type { DataChanges } from './db/data-changes.js'
import { acuStaffingImportRoutes } from './modules/acu-staffing/import-routes.js'
import { acuStaffingRoutes } from './modules/acu-staffing/routes.js'
import { alertsRoutes } from './modules/alerts/routes.js'
import { apiDocsRoutes } from './modules/api-docs/routes.js'
import { auditRoutes } from './modules/audit/routes.js'
import { businessInterestsRoutes } from './modules/business-interests/routes.js'
import { reportingLineRoutes } from './modules/confidential-reports/reporting-line-routes.js'
import { confidentialReportsRoutes } from './modules/confidential-reports/routes.js'
import { dataReturnsRoutes } from './modules/data-returns/routes.js'
import { deskResearchRoutes } from './modules/desk-research/routes.js'
import { escalationRoutes } from './modules/escalation/routes.js'
import { fieldworkRoutes } from './modules/fieldwork/routes.js'
import { forceDashboardRoutes } from './modules/force-dashboard/routes.js'
import { forcesRoutes } from './modules/forces/routes.js'
import { frameworksRoutes } from './modules/frameworks/routes.js'
import { giftsHospitalityRoutes } from './modules/gifts-hospitality/routes.js'
import { healthRoutes } from './modules/health/routes.js'
import { homeRoutes } from './modules/home/routes.js'
import { apiTokensRoutes } from './modules/identity/api-tokens-routes.js'
import { signInRoutes } from './modules/identity/sign-in-routes.js'
import { usersRoutes } from './modules/identity/users-routes.js'
import { inspectionsRoutes } from './modules/inspections/routes.js'
import { integrityCasesImportRoutes } from './modules/integrity-cases/import-routes.js'
import { integrityCasesRoutes } from './modules/integrity-cases/routes.js'
import { integrityPictureRoutes } from './modules/integrity-picture/routes.js'
import { mediaContactsRoutes } from './modules/media-contacts/routes.js'
import { notificationsRoutes } from './modules/notifications/routes.js'
import { organisationsRoutes } from './modules/organisations/routes.js'
import { acknowledgementsImportRoutes } from './modules/policies/import-routes.js'
import { policiesRoutes } from './modules/policies/routes.js'
import { documentImportsRoutes } from './modules/press-releases/routes.js'
import { pressReleaseSettingsRoutes } from './modules/press-releases/settings-routes.js'
import { publicationApiRoutes } from './modules/publication/api-routes.js'
import { publicationManageRoutes } from './modules/publication/manage-routes.js'
import { publicationOpenDataRoutes } from './modules/publication/open-data-routes.js'
import { publicationPdfRoutes } from './modules/publication/pdf-routes.js'
import { publicationRoutes } from './modules/publication/routes.js'
import { publicationTemplateRoutes } from './modules/publication/template-routes.js'
import { publishedRegistersRoutes } from './modules/published-registers/routes.js'
import { recommendationProgressRoutes } from './modules/recommendation-progress/routes.js'
import { referralOutcomesImportRoutes } from './modules/referrals/import-routes.js'
import { referralsRoutes } from './modules/referrals/routes.js'
import { rosterRoutes } from './modules/roster/routes.js'
import { passkeyRoutes } from './modules/second-factor/passkey-routes.js'
import { secondFactorRoutes } from './modules/second-factor/routes.js'
import { selfAssessmentsRoutes } from './modules/self-assessments/routes.js'
import { signOffRoutes } from './modules/self-assessments/sign-off-routes.js'
import { OidcClient } from './modules/single-sign-on/client.js'
import { singleSignOnRoutes } from './modules/single-sign-on/routes.js'
import type { SingleSignOnSettings } from './modules/single-sign-on/settings.js'
import { surveysRoutes } from './modules/surveys/routes.js'
import { translationsRoutes } from './modules/translations/routes.js'
import type { Services } from './services.js'
import { setUpStaticAssets } from './web/assets.js'
import { setUpAuthentication } from './web/authentication.js'
import { setUpAuthorisation } from './web/authorisation.js'
import { setUpCsrf } from './web/csrf.js'
import { setUpDateInputs } from './web/date-inputs.js'
import { setUpErrorPages } from './web/errors.js'
import { setUpFlash } from './web/flash.js'
import { setUpLanguage } from './web/i18n/language.js'
import { setUpInputChecks, setUpStrictApiBodies } from './web/input-checks.js'
import { AuditSafeLogController, newRequestId, setUpRequestIds } from './web/logging.js'
import { setUpResponseCache } from './web/response-cache.js'
import { setUpWebSecurity } from './web/security.js'
import { setUpUploads } from './web/uploads.js'
import { setUpViews } from './web/views.js'

export interface AppOptions {
  /** The process's log (src/web/logging.ts); none in tests. */
  logger?: FastifyBaseLogger
  production?: boolean
  cookieSecret: string
  trustProxy?: boolean | string[]
  /** The database's changes, so what the app keeps in memory is dropped when the data changes. */
  changes: DataChanges
  /** The clock the services read (tests move it), for how long kept answers last. */
  now?: () => Date
  /** The demo's as-at day, which every page names; none on the real clock. */
  demoAsAt?: string | null
  /** Sign-in through OpenID Connect providers, and whether local passwords stay on; none: passwords only. */
  singleSignOn?: SingleSignOnSettings
}

/** Builds the HTTP app from the services: the server and every test make it the same way. */
export async function createApp(services: Services, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    logController: new AuditSafeLogController(),
    genReqId: newRequestId,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  const production = options.production ?? false
  setUpRequestIds(app)
  setUpWebSecurity(app, { production })
  await app.register(formbody)
  await setUpUploads(app, services.pendingImports.limits)
  await setUpStaticAssets(app)
  setUpViews(app, { demoAsAt: options.demoAsAt ?? null })
  setUpFlash(app)
  setUpErrorPages(app)
  const now = options.now ?? (() => new Date())
  await options.changes.watch()
  await setUpAuthentication(app, services, {
    cookieSecret: options.cookieSecret,
    changes: options.changes,
    now,
  })
  setUpLanguage(app, (principal, language, ipAddress) =>
    services.signIn.chooseLanguage(principal, language, ipAddress),
  )
  setUpAuthorisation(app)
  setUpResponseCache(app, options.changes, now)
  setUpCsrf(app, { production, hmacKey: options.cookieSecret })
  setUpDateInputs(app)
  setUpInputChecks(app)
  setUpStrictApiBodies(app)
  await app.register(rateLimit, { global: false })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Probity API', version: '1' },
      components: { securitySchemes: { apiToken: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    // The schemas named with `.meta({ id })` go into components.schemas, where the operations' $refs point.
    transformObject: jsonSchemaTransformObject,
  })

  await app.register(healthRoutes, { services })
  await app.register(homeRoutes)
  await app.register(forcesRoutes, { services })
  const singleSignOn = options.singleSignOn
  await app.register(signInRoutes, { services, singleSignOn })
  await app.register(singleSignOnRoutes, {
    services,
    client: singleSignOn && new OidcClient(singleSignOn),
  })
  await app.register(secondFactorRoutes, { services })
  await app.register(passkeyRoutes, { services })
  await app.register(usersRoutes, { services })
  await app.register(apiTokensRoutes, { services })
  await app.register(auditRoutes, { services })
  await app.register(rosterRoutes, { services })
  await app.register(giftsHospitalityRoutes, { services })
  await app.register(mediaContactsRoutes, { services })
  await app.register(organisationsRoutes, { services })
  await app.register(alertsRoutes, { services })
  await app.register(integrityPictureRoutes, { services })
  await app.register(escalationRoutes, { services })
  await app.register(businessInterestsRoutes, { services })
  await app.register(publishedRegistersRoutes, { services })
  await app.register(integrityCasesRoutes, { services })
  await app.register(integrityCasesImportRoutes, { services })
  await app.register(reportingLineRoutes, { services })
  await app.register(confidentialReportsRoutes, { services })
  await app.register(referralsRoutes, { services })
  await app.register(referralOutcomesImportRoutes, { services })
  await app.register(deskResearchRoutes, { services })
  await app.register(surveysRoutes, { services })
  await app.register(translationsRoutes, { services })
  await app.register(acuStaffingRoutes, { services })
  await app.register(acuStaffingImportRoutes, { services })
  await app.register(frameworksRoutes, { services })
  await app.register(inspectionsRoutes, { services })
  await app.register(selfAssessmentsRoutes, { services })
  await app.register(signOffRoutes, { services })
  await app.register(policiesRoutes, { services })
  await app.register(acknowledgementsImportRoutes, { services })
  await app.register(dataReturnsRoutes, { services })
  await app.register(fieldworkRoutes, { services })
  await app.register(recommendationProgressRoutes, { services })
  await app.register(publicationRoutes, { services })
  await app.register(publicationOpenDataRoutes, { services })
  await app.register(publicationApiRoutes, { services })
  await app.register(publicationManageRoutes, { services })
  await app.register(publicationTemplateRoutes, { services })
  await app.register(publicationPdfRoutes, { services })
  await app.register(documentImportsRoutes, { services })
  await app.register(pressReleaseSettingsRoutes, { services })
  await app.register(forceDashboardRoutes, { services })
  await app.register(notificationsRoutes, { services })
  await app.register(apiDocsRoutes)

  await app.ready()
  return app
}
