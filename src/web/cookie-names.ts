import type { FastifyRequest } from 'fastify'

/**
 * Over TLS our cookies carry the `__Host-` prefix, which a browser accepts only with Secure, Path=/
 * and no Domain: a sibling subdomain or a plain-HTTP page on the same network then cannot plant or
 * overwrite one (fix a session, or slip in a CSRF cookie of its own), and a cookie without the prefix
 * is not read at all. Over plain HTTP (a laptop's localhost) browsers would drop a prefixed cookie, so
 * the plain name is used. "Over TLS" is `request.protocol`: the connection's own, or what a proxy that
 * TRUST_PROXY trusts says in X-Forwarded-Proto.
 */
export function cookieName(request: FastifyRequest, name: string): string {
  return request.protocol === 'https' ? `__Host-${name}` : name
}

/** The attributes every cookie of ours has, which the `__Host-` prefix requires over TLS. */
export function cookieScope(request: FastifyRequest): { path: '/'; secure: boolean } {
  return { path: '/', secure: request.protocol === 'https' }
}
