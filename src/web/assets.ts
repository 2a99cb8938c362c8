import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { govukFrontendDist } from './views.js'

/** GOV.UK Frontend's fonts, images, CSS and JS, served straight from the installed package. */
export async function setUpStaticAssets(app: FastifyInstance): Promise<void> {
  const govuk = path.join(govukFrontendDist, 'govuk')
  await app.register(fastifyStatic, {
    root: path.join(govuk, 'assets'),
    prefix: '/assets/',
    maxAge: '1d',
  })
  await app.register(fastifyStatic, {
    root: govuk,
    prefix: '/govuk/',
    allowedPath: (pathName) => /^\/govuk-frontend\.min\.(css|js)$/.test(pathName),
    decorateReply: false,
    maxAge: '1d',
  })
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('./public', import.meta.url)),
    prefix: '/public/',
    decorateReply: false,
  })
}
