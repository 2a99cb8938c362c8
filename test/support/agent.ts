import { randomBytes } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { SESSION_COOKIE } from '../../src/web/authentication.js'
import { TEST_PASSWORD } from './two-forces.js'

export interface AgentOptions {
  /**
   * The address the agent's requests come from. Unless a test names one, every agent gets an address
   * of its own, as separate browsers would, so the per-address rate limit on sign-in never couples
   * unrelated tests that happen to share an app.
   */
  remoteAddress?: string
  /** Headers sent with every request, e.g. `x-forwarded-proto` as a TLS-terminating proxy adds. */
  headers?: Record<string, string>
}

export interface RequestOptions {
  /** Leave the CSRF token out of a form, as a forged cross-site post would. */
  csrf?: boolean
  headers?: Record<string, string>
}

/** The session cookie under either name: plain over HTTP, `__Host-` over TLS (src/web/cookie-names.ts). */
const isSessionCookie = (name: string) => name === SESSION_COOKIE || name === `__Host-${SESSION_COOKIE}`

let agentsMade = 0
function nextAddress(): string {
  agentsMade++
  // 10.0.0.0/8: private, never a real client here, and room for any number of agents.
  return `10.${(agentsMade >> 16) & 255}.${(agentsMade >> 8) & 255}.${agentsMade & 255}`
}

/**
 * A browser-like client over `app.inject`: it keeps cookies, and sends the CSRF token with every form
 * it posts, as a page from Probity would.
 */
export class Agent {
  private readonly cookies = new Map<string, string>()
  csrfToken = ''
  readonly remoteAddress: string
  private readonly headers: Record<string, string>

  constructor(
    private readonly app: FastifyInstance,
    options: AgentOptions = {},
  ) {
    this.remoteAddress = options.remoteAddress ?? nextAddress()
    this.headers = options.headers ?? {}
  }

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies) {
      // A new or ended session makes the page's CSRF token stale, as it is bound to the session.
      if (isSessionCookie(cookie.name)) this.csrfToken = ''
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() <= Date.now()))
        this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
    const token = response.body.match(/name="_csrf" value="([^"]+)"/)?.[1]
    if (token) this.csrfToken = token
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name)
  }

  /** The value of a cookie the agent holds, e.g. to replay an old session cookie later. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  /** Sets a cookie as if the server had, e.g. an old session cookie a thief kept. */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value)
  }

  /** Opens a page with a form, as the person would before posting one: the sign-in page, or their account. */
  private async freshCsrfToken(): Promise<void> {
    const page = await this.get([...this.cookies.keys()].some(isSessionCookie) ? '/account' : '/sign-in')
    const location = page.headers.location
    if (page.statusCode === 303 && typeof location === 'string') await this.get(location)
  }

  async get(url: string, options: Pick<RequestOptions, 'headers'> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.remoteAddress,
      headers: { ...this.headers, ...options.headers, cookie: this.cookieHeader },
    })
    this.remember(response)
    return response
  }

  /** Posts a form; the CSRF token is added unless the test says otherwise. */
  async post(url: string, form: Record<string, string> = {}, options: RequestOptions = {}) {
    return this.send('POST', url, form, options)
  }

  async send(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    form: Record<string, string> = {},
    options: RequestOptions = {},
  ) {
    if (!this.csrfToken && options.csrf !== false) await this.freshCsrfToken()
    const payload = new URLSearchParams(
      options.csrf === false ? form : { _csrf: this.csrfToken, ...form },
    ).toString()
    const response = await this.app.inject({
      method,
      url,
      payload,
      remoteAddress: this.remoteAddress,
      headers: {
        ...this.headers,
        ...options.headers,
        cookie: this.cookieHeader,
        'content-type': 'application/x-www-form-urlencoded',
      },
    })
    this.remember(response)
    return response
  }

  /** Sends a JSON body, as a script on a signed-in page would: the CSRF token in its header. */
  async sendJson(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body: unknown = {}) {
    if (!this.csrfToken) await this.freshCsrfToken()
    const response = await this.app.inject({
      method,
      url,
      payload: JSON.stringify(body),
      remoteAddress: this.remoteAddress,
      headers: {
        ...this.headers,
        cookie: this.cookieHeader,
        'content-type': 'application/json',
        'x-csrf-token': this.csrfToken,
      },
    })
    this.remember(response)
    return response
  }

  /** Posts a form with a file, as a browser's upload (multipart) would, with the CSRF token. */
  async upload(
    url: string,
    file: { filename: string; data: Buffer | string; type?: string } | null,
    fields: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.csrfToken) await this.freshCsrfToken()
    const boundary = `----probity${randomBytes(8).toString('hex')}`
    const parts: Buffer[] = []
    for (const [name, value] of Object.entries({ _csrf: this.csrfToken, ...fields })) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      )
    }
    if (file) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\n` +
            `Content-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
        ),
        Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data),
        Buffer.from('\r\n'),
      )
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`))
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: Buffer.concat(parts),
      remoteAddress: this.remoteAddress,
      headers: {
        ...this.headers,
        cookie: this.cookieHeader,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    })
    this.remember(response)
    return response
  }

  /** Posts a form with several files under one field name (an <input type="file" multiple>), with the CSRF token. */
  async uploadFiles(
    url: string,
    field: string,
    files: { filename: string; data: Buffer | string; type?: string }[],
    fields: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.csrfToken) await this.freshCsrfToken()
    const boundary = `----probity${randomBytes(8).toString('hex')}`
    const parts: Buffer[] = []
    for (const [name, value] of Object.entries({ _csrf: this.csrfToken, ...fields }))
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      )
    for (const file of files)
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${file.filename}"\r\n` +
            `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data),
        Buffer.from('\r\n'),
      )
    parts.push(Buffer.from(`--${boundary}--\r\n`))
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: Buffer.concat(parts),
      remoteAddress: this.remoteAddress,
      headers: {
        ...this.headers,
        cookie: this.cookieHeader,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    })
    this.remember(response)
    return response
  }

  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/sign-in')
    const response = await this.post('/sign-in', { email, password })
    if (response.statusCode !== 303) throw new Error(`sign-in as ${email} failed with ${response.statusCode}`)
    // As a browser would, open a page: it carries a CSRF token bound to the new session.
    await this.freshCsrfToken()
    return response
  }

  /**
   * Chooses the pages' language with the header's switch, as a person clicking it does: kept in this
   * browser, and with the account of whoever is signed in (so later tests of theirs see it too).
   */
  async chooseLanguage(language: 'en' | 'cy'): Promise<void> {
    const response = await this.get(`/?lang=${language}`)
    if (response.statusCode !== 303)
      throw new Error(`choosing ${language} failed with ${response.statusCode}`)
  }

  async signOut(): Promise<LightMyRequestResponse> {
    const response = await this.post('/sign-out')
    if (response.statusCode !== 303) throw new Error(`sign-out failed with ${response.statusCode}`)
    return response
  }
}

/** A new browser, signed in as one of the test cast (or with the password given). */
export async function signedInAgent(
  app: FastifyInstance,
  email: string,
  password = TEST_PASSWORD,
): Promise<Agent> {
  const agent = new Agent(app)
  await agent.signIn(email, password)
  return agent
}

/** A GOV.UK date input's three fields (`NAME-day`, `NAME-month`, `NAME-year`) as a browser sends them. */
export function dateInputFields(
  name: string,
  day: string,
  month: string,
  year: string,
): Record<string, string> {
  return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year }
}
