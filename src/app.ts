import formbody from '@fastify/formbody'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { apiDocsRoutes } from './modules/api-docs/routes.js'
import { forcesRoutes } from './modules/forces/routes.js'
import { healthRoutes } from './modules/health/routes.js'
import { homeRoutes } from './modules/home/routes.js'
import type { Services } from './services.js'
import { setUpStaticAssets } from './web/assets.js'
import { setUpErrorPages } from './web/errors.js'
import { setUpWebSecurity } from './web/security.js'
import { setUpViews } from './web/views.js'

export interface AppOptions {
  logger?: FastifyServerOptions['logger']
  production?: boolean
}

/** Builds the HTTP app from the services: the server and every test make it the same way. */
export async function createApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, trustProxy: true, bodyLimit: 1024 * 1024 })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  await setUpWebSecurity(app, { production: options.production ?? false })
  await app.register(formbody)
  await setUpStaticAssets(app)
  setUpViews(app)
  setUpErrorPages(app)
  await app.register(swagger, {
    openapi: { info: { title: 'Probity API', version: '1' } },
    transform: jsonSchemaTransform,
  })

  await app.register(healthRoutes, { services })
  await app.register(homeRoutes)
  await app.register(forcesRoutes, { services })
  await app.register(apiDocsRoutes)

  await app.ready()
  return app
}
