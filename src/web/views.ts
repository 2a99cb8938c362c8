import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import nunjucks from 'nunjucks'
import { datePartsForInput, datePartsInError } from '../domain/date-input.js'
import { takeFlash } from './flash.js'
import type { FormErrors } from './forms.js'
import { formatDay } from './forms.js'
import {
  CATALOGUES,
  inLanguageOf,
  type Language,
  LOCALES,
  type MessageParams,
  translate,
} from './i18n/catalogue.js'
import { govukI18n } from './i18n/govuk-frontend.js'
import { languageSwitchHref } from './i18n/language.js'
import { headerNavigation } from './navigation.js'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a Nunjucks page (path relative to src/web/views or src/modules) as the HTML response. */
    render(template: string, context?: Record<string, unknown>): FastifyReply
  }
}

const require = createRequire(import.meta.url)
export const govukFrontendDist = path.join(
  path.dirname(require.resolve('govuk-frontend/package.json')),
  'dist',
)

const here = path.dirname(fileURLToPath(import.meta.url))

type ExportedCallback = (error: unknown, exported?: Record<string, unknown>) => void
type GetExported = (this: nunjucks.Template, ...args: unknown[]) => void

// `{% from "…" import … %}` (without context, as every import here is) runs the imported template's
// top level again on every render, and for an import inside a macro on every call, to collect the same
// macros: a fifth of Nunjucks' time on a register page (bench/README.md). Without context the answer
// depends on the compiled template alone (a fresh context and frame each time), so it is kept for each
// compiled template; an import with context still runs every time, and a recompiled template (a file
// changed, noCache) is a new template with nothing kept.
const exportedByTemplate = new WeakMap<nunjucks.Template, Record<string, unknown>>()
const templatePrototype = nunjucks.Template.prototype as unknown as { getExported: GetExported }
const collectExported = templatePrototype.getExported
templatePrototype.getExported = function keptExported(this: nunjucks.Template, ...args: unknown[]) {
  const [done] = args
  if (args.length !== 1 || typeof done !== 'function') return collectExported.apply(this, args)
  const answer = done as ExportedCallback
  const kept = exportedByTemplate.get(this)
  if (kept) return answer(null, kept)
  return collectExported.call(this, (error: unknown, exported?: Record<string, unknown>) => {
    if (!error && exported) exportedByTemplate.set(this, exported)
    answer(error, exported)
  })
}

/**
 * The language of the page being rendered. Rendering is synchronous (one page at a time in the
 * process), so the catalogue's global `t`, the date and number filters and GOV.UK Frontend's words read
 * it from here, inside every template and macro, however imported.
 */
let renderingLanguage: Language = 'en'

function renderIn<T>(language: Language, render: () => T): T {
  const outer = renderingLanguage
  renderingLanguage = language
  try {
    return render()
  } finally {
    renderingLanguage = outer
  }
}

const ownViews = path.join(here, 'views')

/**
 * Finds templates in our views, then the modules', then GOV.UK Frontend's; a GOV.UK template we keep a
 * file of the same name for (src/web/views/govuk) is ours however it is asked for, also by a GOV.UK
 * component's relative import (the input's `../error-message/macro.njk`), which the plain loader
 * resolves to the package's file itself.
 */
class ShadowingLoader extends nunjucks.FileSystemLoader {
  // A component's imports are resolved each time it is rendered: the answer for each importing file and
  // name is kept, so a render does no path arithmetic.
  private readonly resolved = new Map<string, string>()

  override resolve(from: string, to: string): string {
    const asked = `${from}\0${to}`
    let answer = this.resolved.get(asked)
    if (answer === undefined) {
      const resolved = path.resolve(path.dirname(from), to)
      const inPackage = path.relative(govukFrontendDist, resolved)
      const shadow = path.join(ownViews, inPackage)
      const packageFile = !inPackage.startsWith('..') && !path.isAbsolute(inPackage)
      answer = packageFile && fs.existsSync(shadow) ? shadow : resolved
      this.resolved.set(asked, answer)
    }
    return answer
  }
}

export function createViewEnvironment(): nunjucks.Environment {
  const environment = new nunjucks.Environment(
    new ShadowingLoader([ownViews, path.join(here, '..', 'modules'), govukFrontendDist], { noCache: false }),
    { autoescape: true, throwOnUndefined: false },
  )
  // Nunjucks' own trim, `replace(/^\s*|\s*$/g, '')`, backtracks through every run of white space, so its
  // cost grows with the square of each run's length; GOV.UK Frontend's macros trim the whole HTML their
  // callers give them (a register's table, a page's content), and on a register page it took more CPU
  // than everything else together (bench/README.md). String.prototype.trim removes the same characters
  // (a pattern's \s is ECMAScript's white space and line terminators) in one pass, and markup marked safe
  // stays safe.
  environment.addFilter('trim', (value: unknown) => {
    const trimmed = value === undefined || value === null ? '' : String(value).trim()
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed
  })
  // The interface's words in the page's language: `t(key, { name: value })` (src/web/i18n).
  environment.addGlobal('t', (key: string, params?: MessageParams) => {
    const text = translate(renderingLanguage, key, params)
    return key.endsWith('Html') ? new nunjucks.runtime.SafeString(text) : text
  })
  // Words from code in the page's language: a value from one of the registers' closed lists
  // (`approved`, `Constable`) where the catalogue has it as `value.<the value>`, or English the catalogue
  // has (a view model's label); anything else (what people typed) as it is.
  environment.addFilter('inLanguage', (value: unknown) => {
    if (typeof value !== 'string') return value
    const key = `value.${value}`
    return CATALOGUES.en[key] !== undefined
      ? translate(renderingLanguage, key)
      : inLanguageOf(renderingLanguage, value)
  })
  // On a page in Welsh, marks content that exists only in English (a published document, its title),
  // so that screen readers pronounce it as English: ` lang="en"`, and nothing on an English page.
  environment.addGlobal('englishOnly', () =>
    renderingLanguage === 'en' ? '' : new nunjucks.runtime.SafeString(' lang="en"'),
  )
  // A GOV.UK Frontend component's own words in the page's language: `govukX(params | govukI18n("x"))`.
  environment.addFilter('govukI18n', (params: Record<string, unknown>, component: string) =>
    govukI18n(renderingLanguage, component, params),
  )
  const numberFormats = { en: new Intl.NumberFormat(LOCALES.en), cy: new Intl.NumberFormat(LOCALES.cy) }
  const dateTimeFormats = Object.fromEntries(
    (['en', 'cy'] as const).map((language) => [
      language,
      new Intl.DateTimeFormat(LOCALES[language], {
        dateStyle: 'long',
        timeStyle: 'short',
        timeZone: 'Europe/London',
      }),
    ]),
  ) as Record<Language, Intl.DateTimeFormat>
  environment.addFilter('formatDateTime', (value: unknown) =>
    value instanceof Date || typeof value === 'string'
      ? dateTimeFormats[renderingLanguage].format(new Date(value))
      : value,
  )
  // Every date a page shows reads "27 March 2012" (src/web/forms.ts).
  environment.addFilter('formatDate', (value: unknown) =>
    value instanceof Date || typeof value === 'string' ? formatDay(value, LOCALES[renderingLanguage]) : value,
  )
  // The items of a GOV.UK date input (views/macros/date-input.njk): what was typed or stored, and
  // which of the three fields the error is about.
  environment.addGlobal('dateInputItems', (name: string, value: unknown, hasError: unknown) => {
    const parts = datePartsForInput(value)
    const wrong = datePartsInError(value, !!hasError)
    return (['day', 'month', 'year'] as const).map((part) => ({
      id: part === 'day' ? name : `${name}-${part}`,
      name: part,
      label: translate(renderingLanguage, `dateInput.${part}`),
      value: parts[part],
      classes: `govuk-input--width-${part === 'year' ? 4 : 2}${wrong.includes(part) ? ' govuk-input--error' : ''}`,
    }))
  })
  environment.addFilter('formatNumber', (value: unknown) =>
    typeof value === 'number' ? numberFormats[renderingLanguage].format(value) : value,
  )
  // A list's total, which is a lower bound when the list stopped counting (src/db/counting.ts).
  environment.addFilter('listTotal', (value: unknown, exact: unknown) =>
    typeof value === 'number'
      ? translate(renderingLanguage, exact === false ? 'list.moreThan' : 'list.exactly', {
          count: numberFormats[renderingLanguage].format(value),
        })
      : value,
  )
  return environment
}

/**
 * The pages' environment, one for every app in the process: it keeps each template compiled once
 * (compiling takes tens of milliseconds a template), and a process running several apps, as a test
 * worker does one after another, need not compile them again for each. Nothing in it differs by app.
 */
let pagesEnvironment: nunjucks.Environment | undefined

export function setUpViews(app: FastifyInstance, options: { demoAsAt?: string | null } = {}): void {
  pagesEnvironment ??= createViewEnvironment()
  const environment = pagesEnvironment
  // On the demo's clock, every page says which day its data is as at (layout.njk).
  const demoAsAt = options.demoAsAt ?? null
  app.decorateReply('render', function render(this: FastifyReply, template: string, context = {}) {
    const request = this.request
    const currentPath = request.url.split('?')[0] ?? '/'
    const principal = request.principal
    const language = request.language
    const other = language === 'cy' ? 'en' : 'cy'
    const html = renderIn(language, () =>
      environment.render(template, {
        demoAsAt,
        navigation: headerNavigation(currentPath, principal, (key) => request.t(key)),
        currentPath,
        principal,
        // The html element's lang, which GOV.UK's template sets, and the header's switch to the other.
        htmlLang: language === 'en' ? undefined : language,
        languageSwitch: { language: other, href: languageSwitchHref(request.url, other, this.statusCode) },
        // Called by templates that have a form (src/web/csrf.ts).
        csrfToken: () => this.csrfToken(),
        ...context,
        ...inPageLanguage(language, takeFlash(request, this), context.errors),
      }),
    )
    return this.type('text/html; charset=utf-8').send(html)
  })
}

/**
 * What code said to the page in English, in its language: the success banner a write left, and a
 * form's errors (from the services' rules, src/web/forms.ts).
 */
function inPageLanguage(language: Language, flash: string | undefined, errors: unknown) {
  const said = (text: string) => inLanguageOf(language, text)
  const shown: { flash?: string; errors?: FormErrors } = {
    flash: flash === undefined ? undefined : said(flash),
  }
  if (isFormErrors(errors))
    shown.errors = {
      summary: errors.summary.map((entry) => ({ ...entry, text: said(entry.text) })),
      fields: Object.fromEntries(
        Object.entries(errors.fields).map(([field, entry]) => [field, { ...entry, text: said(entry.text) }]),
      ),
    }
  return shown
}

function isFormErrors(value: unknown): value is FormErrors {
  return (
    typeof value === 'object' &&
    value !== null &&
    'summary' in value &&
    'fields' in value &&
    Array.isArray(value.summary)
  )
}
