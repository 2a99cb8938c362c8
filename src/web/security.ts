import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'
import helmet from 'helmet'

/**
 * The CSP source that allows the one inline script of the GOV.UK page template (it marks the body
 * `js-enabled`), as the hash of that script. A hash, unlike a nonce, is the same on every response, so
 * the headers are worked out once rather than per request; it is read from the installed template so
 * an upgrade of GOV.UK Frontend cannot leave a stale hash behind.
 */
export function govukInlineScriptHash(): string {
  const templatePath = createRequire(import.meta.url).resolve('govuk-frontend/dist/govuk/template.njk')
  const scripts = [...fs.readFileSync(templatePath, 'utf8').matchAll(/<script[^>]*>([^<]+)<\/script>/g)]
  if (scripts.length !== 1 || !scripts[0]?.[1])
    throw new Error(`Expected one inline script in ${templatePath}, found ${scripts.length}`)
  return `'sha256-${createHash('sha256').update(scripts[0][1]).digest('base64')}'`
}

/**
 * Security headers on every response, chosen by what the response is. Pages: scripts only from our own
 * origin, or the template's one inline script. JSON: what OWASP's REST Security Cheat Sheet asks of an
 * API (nothing may load or frame it, no sniffing, no storing), without the page policies it cannot use.
 * Helmet's middleware is built once here: building it per request (as its Fastify wrapper does)
 * re-parses the whole policy on every response, a quarter of a small request's time.
 */
export function setUpWebSecurity(app: FastifyInstance, options: { production: boolean }): void {
  const setPageHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", govukInlineScriptHash()],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Over plain HTTP on a laptop, upgrading would break every asset request.
        upgradeInsecureRequests: options.production ? [] : null,
      },
    },
    strictTransportSecurity: options.production,
    referrerPolicy: { policy: 'same-origin' },
  })
  const setApiHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: options.production,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    const json = String(reply.getHeader('content-type') ?? '').startsWith('application/json')
    // Answers carry personal data: nothing between here and the caller may keep an API answer, or any
    // answer (page, export) to someone signed in, unless a route says so.
    if ((json || request.principal) && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store')
    ;(json ? setApiHeaders : setPageHeaders)(request.raw, reply.raw, () => done(null, payload))
  })
}
