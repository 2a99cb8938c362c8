import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { TEST_PASSWORD } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { messageText } from '../../modules/translations/service.js'
import {
  CATALOGUES,
  inLanguageOf,
  LANGUAGES,
  placeholdersOf,
  pluralCategories,
  translate,
} from './catalogue.js'
import { preferredLanguage } from './language.js'

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

function filesUnder(folder: string, extension: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(extension))
    .map((file) => path.join(folder, file))
}

describe('the message catalogues', () => {
  it('have every key in both languages, with the same placeholders and every plural form', () => {
    const problems: string[] = []
    const keys = new Set(LANGUAGES.flatMap((language) => Object.keys(CATALOGUES[language])))
    for (const key of keys) {
      const english = CATALOGUES.en[key]
      for (const language of LANGUAGES) {
        const message = CATALOGUES[language][key]
        if (message === undefined || english === undefined) {
          problems.push(`${key} is missing in ${language}`)
          continue
        }
        if (placeholdersOf(message).sort().join() !== placeholdersOf(english).sort().join())
          problems.push(`${key} in ${language} has placeholders ${placeholdersOf(message)}`)
        if (typeof message !== typeof english) problems.push(`${key} is a plural in one language only`)
        if (typeof message === 'object') {
          const missing = pluralCategories(language).filter((category) => !message[category])
          if (missing.length) problems.push(`${key} in ${language} lacks the plural forms ${missing}`)
        } else if (!message.trim()) problems.push(`${key} is empty in ${language}`)
      }
    }
    expect(keys.size).toBeGreaterThan(50)
    expect(problems).toEqual([])
  })

  it('have every key the templates and code ask for', () => {
    const used = new Set<string>()
    const files = [...filesUnder(src, '.njk'), ...filesUnder(src, '.ts')].filter(
      (file) => !file.endsWith('.test.ts'),
    )
    for (const file of files)
      for (const [, key] of fs.readFileSync(file, 'utf8').matchAll(/\bt\(\s*["']([\w.-]+)["']\s*[,)]/g))
        used.add(key ?? '')
    expect(used.size).toBeGreaterThan(20)
    expect([...used].filter((key) => CATALOGUES.en[key] === undefined)).toEqual([])
  })

  it('fill placeholders, escape them in markup and choose Welsh plural forms', () => {
    expect(translate('cy', 'layout.demoAsAt', { day: '27 Mawrth 2012' })).toContain('27 Mawrth 2012')
    expect(translate('en', 'no.such.key')).toBe('no.such.key')
    const plural = {
      zero: 'z {count}',
      one: 'o {count}',
      two: 't {count}',
      few: 'f {count}',
      many: 'm {count}',
      other: 'x {count}',
    }
    CATALOGUES.cy['test.plural'] = plural
    try {
      expect([0, 1, 2, 3, 6, 7, 1000].map((count) => translate('cy', 'test.plural', { count }))).toEqual([
        'z 0',
        'o 1',
        't 2',
        'f 3',
        'm 6',
        'x 7',
        'x 1,000',
      ])
      CATALOGUES.cy['test.markupHtml'] = '<strong>{name}</strong>'
      expect(translate('cy', 'test.markupHtml', { name: '<script>' })).toBe('<strong>&lt;script&gt;</strong>')
    } finally {
      delete CATALOGUES.cy['test.plural']
      delete CATALOGUES.cy['test.markupHtml']
    }
  })
})

describe('English said by code', () => {
  it('is found in the catalogue by its text, placeholders and all, and otherwise left as it is', () => {
    const english = messageText(CATALOGUES.en['layout.demoAsAt'])
    const said = english.replace('{day}', '27 March 2012')
    expect(inLanguageOf('cy', said)).toBe(translate('cy', 'layout.demoAsAt', { day: '27 March 2012' }))
    expect(inLanguageOf('cy', said)).not.toBe(said)
    const plain = messageText(CATALOGUES.en['home.title'])
    expect(inLanguageOf('cy', plain)).toBe(messageText(CATALOGUES.cy['home.title']))
    expect(inLanguageOf('en', plain)).toBe(plain)
    expect(inLanguageOf('cy', 'A sentence no catalogue has')).toBe('A sentence no catalogue has')
  })
})

let clock = new Date('2012-12-31T10:00:00Z')
let testApp: TestApp
beforeAll(async () => {
  testApp = await createTestApp({ now: () => clock })
})
afterAll(() => testApp.close())

describe('choosing the language', () => {
  it('takes the browser’s preference, by quality, among English and Welsh', () => {
    expect(preferredLanguage(undefined)).toBe('en')
    expect(preferredLanguage('cy-GB,cy;q=0.9,en;q=0.5')).toBe('cy')
    expect(preferredLanguage('en-GB,en;q=0.9,cy;q=0.8')).toBe('en')
    expect(preferredLanguage('fr-FR,cy;q=0.4')).toBe('cy')
    expect(preferredLanguage('de')).toBe('en')
  })

  it('shows Welsh to a browser that prefers it, with lang="cy" and a switch to English', async () => {
    const page = await new Agent(testApp.app).get('/forces', { headers: { 'accept-language': 'cy' } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/<html lang="cy"/)
    expect(page.body).toContain('>Heddluoedd</a>')
    expect(page.body).toContain('href="/forces?lang=en" hreflang="en" lang="en">English</a>')
  })

  it('keeps the choice made with the header’s switch, over the browser’s preference', async () => {
    const agent = new Agent(testApp.app)
    const english = await agent.get('/forces?region=Wales', { headers: { 'accept-language': 'cy' } })
    expect(english.body).toMatch(/<html lang="cy"/)
    const switched = await agent.get('/forces?region=Wales&lang=en', { headers: { 'accept-language': 'cy' } })
    expect(switched.statusCode).toBe(303)
    expect(switched.headers.location).toBe('/forces?region=Wales')
    const after = await agent.get('/forces?region=Wales', { headers: { 'accept-language': 'cy' } })
    expect(after.body).toMatch(/<html lang="en"/)
    expect(after.body).toContain(
      'href="/forces?region=Wales&amp;lang=cy" hreflang="cy" lang="cy">Cymraeg</a>',
    )
    // An unknown language is no choice: the page answers as it would without it.
    const unknown = await agent.get('/forces?lang=fr')
    expect(unknown.statusCode).toBe(200)
  })

  it('does not write the address a refused or missing page was asked for into its switch', async () => {
    const missing = await new Agent(testApp.app).get('/forces/no-such-force-b7c9?x=1')
    expect(missing.statusCode).toBe(404)
    expect(missing.body).not.toContain('no-such-force-b7c9')
    expect(missing.body).toContain('href="?lang=cy" hreflang="cy" lang="cy">Cymraeg</a>')
  })
})

describe('the review of the Welsh strings', () => {
  const admin = { email: 'reviewer@inspectorate.example', role: 'inspectorate-admin' as const }
  const forceAdmin = { email: 'admin@gwent.example', role: 'force-admin' as const, forceCode: 'gwent' }
  beforeAll(async () => {
    for (const user of [admin, forceAdmin])
      await testApp.services.users.create(SYSTEM_CALLER, {
        ...user,
        name: user.email,
        password: TEST_PASSWORD,
      })
  })

  const forReview = (html: string) =>
    [...html.matchAll(/<tr class="govuk-table__row" id="([^"]+)">/g)].map((m) => m[1])

  it('marks every string for review until an administrator approves it as worded, in the audit trail', async () => {
    const agent = await signedInAgent(testApp.app, admin.email)
    const before = await agent.get('/admin/translations')
    expect(before.statusCode).toBe(200)
    expect(forReview(before.body)).toEqual(Object.keys(CATALOGUES.cy))

    const welsh = messageText(CATALOGUES.cy['forces.title'])
    // Words other than the catalogue's (changed since the page was shown) approve nothing.
    const stale = await agent.post('/admin/translations/approve', { key: 'forces.title', welsh: 'Heddlu' })
    expect(stale.statusCode).toBe(400)
    expect(stale.body).toContain('has changed since the page was shown')
    const approved = await agent.post('/admin/translations/approve', { key: 'forces.title', welsh })
    expect(approved.statusCode).toBe(303)

    const after = await agent.get('/admin/translations')
    expect(after.body).toContain('The Welsh for forces.title approved')
    expect(forReview(after.body)).toEqual(Object.keys(CATALOGUES.cy).filter((key) => key !== 'forces.title'))
    const [event] = await testApp.services.audit.history(SYSTEM_CALLER, 'welsh-translation', 'forces.title')
    expect(event).toMatchObject({
      action: 'approve',
      actorLabel: `${admin.email} <${admin.email}>`,
      after: { welsh },
    })

    // A translation whose words change goes back for review by itself.
    const original = CATALOGUES.cy['forces.title']
    CATALOGUES.cy['forces.title'] = 'Heddluoedd (newydd)'
    try {
      expect(forReview((await agent.get('/admin/translations')).body)).toContain('forces.title')
    } finally {
      CATALOGUES.cy['forces.title'] = original ?? ''
    }
  })

  it('is for the inspectorate’s administrators only', async () => {
    const agent = await signedInAgent(testApp.app, forceAdmin.email)
    expect((await agent.get('/admin/translations')).statusCode).toBe(403)
    const post = await agent.post('/admin/translations/approve', { key: 'forces.title', welsh: 'Heddluoedd' })
    expect(post.statusCode).toBe(403)
    expect((await new Agent(testApp.app).get('/admin/translations')).statusCode).toBe(303)
  })
})

/**
 * What a page says to its reader: its text nodes and aria-labels, leaving out scripts, styles and any
 * element marked lang="en" (content that exists only in English, such as a published document, which
 * says so to screen readers), with entities decoded and white space collapsed.
 */
function textsOf(html: string): string[] {
  const VOID = new Set([
    'area',
    'base',
    'br',
    'col',
    'embed',
    'hr',
    'img',
    'input',
    'link',
    'meta',
    'source',
    'wbr',
  ])
  const texts: string[] = []
  const stack: { tag: string; skip: boolean }[] = []
  const decode = (text: string) =>
    text
      .replace(/&nbsp;/g, ' ')
      .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim()
  const body = html.slice(html.indexOf('<body'))
  for (const [, closing, tag = '', attributes = '', text] of body.matchAll(
    /<(\/?)([a-zA-Z][\w-]*)([^>]*)>|([^<]+)/g,
  )) {
    const skipping = stack.at(-1)?.skip ?? false
    if (text !== undefined) {
      if (!skipping && decode(text)) texts.push(decode(text))
      continue
    }
    const name = tag.toLowerCase()
    if (closing) {
      const at = stack.map((entry) => entry.tag).lastIndexOf(name)
      if (at >= 0) stack.length = at
      continue
    }
    const label = attributes.match(/aria-label="([^"]*)"/)?.[1]
    if (label && !skipping) texts.push(decode(label))
    if (VOID.has(name) || attributes.trim().endsWith('/')) continue
    const skip = skipping || name === 'script' || name === 'style' || /\slang="en"/.test(attributes)
    stack.push({ tag: name, skip })
  }
  return texts
}

/** Words of English's interface that Welsh never uses, as whole words. */
const ENGLISH_WORDS = [
  'the',
  'and',
  'of',
  'to',
  'your',
  'you',
  'is',
  'are',
  'for',
  'with',
  'this',
  'not',
  'no',
  'by',
  'has',
  'have',
  'from',
  'there',
  'what',
  'page',
  'report',
  'force',
  'forces',
  'published',
  'download',
]

/** The English catalogue's text that Welsh words differently, in the pieces between placeholders. */
const englishFragments = [
  ...new Set(
    Object.entries(CATALOGUES.en)
      .filter(([key, message]) => messageText(CATALOGUES.cy[key]) !== messageText(message))
      .flatMap(([, message]) => (typeof message === 'string' ? [message] : Object.values(message)))
      .flatMap((text) => (text ?? '').replace(/<[^>]+>/g, '{}').split(/\{\w*\}/))
      .map((fragment) => fragment.trim())
      .filter((fragment) => fragment.length >= 4 && /[a-z]{3}/i.test(fragment)),
  ),
]

/** What a page shows in English where its language is Welsh, with the data it shows (names) taken out. */
function untranslated(html: string, data: string[]): string[] {
  const found: string[] = []
  for (const original of textsOf(html)) {
    let text = original
    for (const value of data) text = text.split(value).join(' ')
    const words = text.toLowerCase().split(/[^a-z’']+/)
    const english = ENGLISH_WORDS.filter((word) => words.includes(word))
    const fragment = englishFragments.find((candidate) => text.includes(candidate))
    if (english.length || fragment) found.push(`${original} (${fragment ?? english.join(', ')})`)
  }
  return found
}

describe('a Welsh force’s public pages in Welsh', () => {
  it('show no English string of the interface, where the same pages in English show them', async () => {
    const code = 'gwent'
    const forces = await testApp.services.forces.list()
    // What the pages show of the data: the forces' and regions' names as recorded (in English).
    const data = [...forces.flatMap((force) => [force.name, force.region.name, force.region.hmi ?? '']), code]
      .filter(Boolean)
      .sort((a, b) => b.length - a.length)
    const welsh = new Agent(testApp.app)
    const english = new Agent(testApp.app)
    expect((await welsh.get('/?lang=cy')).statusCode).toBe(303)
    expect((await english.get('/?lang=en')).statusCode).toBe(303)

    const pages: Record<string, { cy: string; en: string }> = {}
    const open = async (path: string) => {
      const [cy, en] = [await welsh.get(path), await english.get(path)]
      expect([path, cy.statusCode, cy.body]).toEqual([
        path,
        en.statusCode,
        expect.stringMatching(/<html lang="cy"/),
      ])
      pages[path] = { cy: cy.body, en: en.body }
    }
    for (const path of [
      '/',
      '/forces',
      '/forces?region=Wales%2FWestern',
      '/forces?region=Nowhere',
      `/forces/${code}`,
      `/forces/${code}/published-registers`,
      `/forces/${code}/published-registers/business-interests`,
      `/forces/${code}/published-registers/gifts-hospitality`,
      `/forces/${code}/report`,
      `/forces/${code}/report/return`,
      `/forces/${code}/report/return?left=1`,
      '/publications',
      '/no-such-page',
    ])
      await open(path)

    // A report sent in Welsh: its receipt, then the reporter's page when they come back with the code.
    const reporter = new Agent(testApp.app)
    await reporter.get('/?lang=cy')
    const form = await reporter.get(`/forces/${code}/report`)
    const token = form.body.match(/name="token" value="([^"]+)"/)?.[1] ?? ''
    clock = new Date(clock.getTime() + 30_000)
    const receipt = await reporter.uploadFiles(`/forces/${code}/report`, 'attachments', [], {
      token,
      identity: 'anonymous',
      account: 'Mae rhingyll yn gwerthu cofnodion y ddalfa i newyddiadurwr.',
    })
    expect(receipt.statusCode).toBe(200)
    const receiptCode = receipt.body.match(/R-[0-9A-Z]{4}-[0-9A-Z]{4}/)?.[0] ?? ''
    const passphrase = receipt.body.match(/\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b/)?.[0] ?? ''
    const back = await reporter.post(`/forces/${code}/report/return`, { receiptCode, passphrase })
    expect(back.statusCode).toBe(303)
    const messages = await reporter.get(`/forces/${code}/report/messages`)
    expect(messages.statusCode).toBe(200)
    const reporterPages = { receipt: receipt.body, messages: messages.body }
    expect(messages.body).toContain(receiptCode)

    const problems = [
      ...Object.entries(pages).flatMap(([path, { cy }]) =>
        untranslated(cy, data).map((text) => `${path}: ${text}`),
      ),
      ...Object.entries(reporterPages).flatMap(([page, html]) =>
        untranslated(html, [...data, receiptCode, passphrase]).map((text) => `${page}: ${text}`),
      ),
    ]
    expect(problems).toEqual([])
    // The check finds the interface's English on every one of the same pages in English, so it cannot pass for want of looking.
    for (const [path, { en }] of Object.entries(pages))
      expect([path, untranslated(en, data).length > 0]).toEqual([path, true])
  })
})
