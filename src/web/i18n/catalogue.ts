import fs from 'node:fs'
import nunjucks from 'nunjucks'
import { navigationMessages } from '../navigation.js'

/**
 * The interface's words, in English and Welsh (the four Welsh forces' public pages must be available
 * in Welsh). Each catalogue is a flat map from a key to a message; a message is text with `{name}`
 * placeholders, or, for a count, one text per plural category of the language (Intl.PluralRules: Welsh
 * has zero, one, two, few, many and other). A key ending in `Html` holds markup: its placeholders are
 * escaped and its text is not. The header's and home page's working areas come from one table
 * (src/web/navigation.ts), whose English is the catalogue's. The shared words are in this folder; a
 * module's own are beside it (src/modules/<module>/messages.<language>.json).
 */

export const LANGUAGES = ['en', 'cy'] as const
export type Language = (typeof LANGUAGES)[number]

export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>>
export type Message = string | PluralMessage
export type Catalogue = Record<string, Message>
export type MessageParams = Record<string, unknown>

/** The locale each language formats numbers, dates and plurals in. */
export const LOCALES: Record<Language, string> = { en: 'en-GB', cy: 'cy-GB' }

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value)
}

const SHARED_FOLDER = new URL('./', import.meta.url)
const MODULES_FOLDER = new URL('../../modules/', import.meta.url)

/** Each module's own words sit beside it, as `messages.en.json` and `messages.cy.json`. */
function catalogueFiles(language: Language): URL[] {
  const modules = fs
    .readdirSync(MODULES_FOLDER, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => new URL(`${entry.name}/messages.${language}.json`, MODULES_FOLDER))
    .filter((file) => fs.existsSync(file))
  return [new URL(`${language}.json`, SHARED_FOLDER), ...modules]
}

/** One language's catalogue: the shared words and every module's, a key defined twice refused. */
function load(language: Language, base: Catalogue = {}): Catalogue {
  const catalogue: Catalogue = { ...base }
  for (const file of catalogueFiles(language)) {
    const messages = JSON.parse(fs.readFileSync(file, 'utf8')) as Catalogue
    for (const [key, message] of Object.entries(messages)) {
      if (key in catalogue)
        throw new Error(`The ${language} catalogue defines ${key} twice (again in ${file.pathname})`)
      catalogue[key] = message
    }
  }
  return catalogue
}

export const CATALOGUES: Record<Language, Catalogue> = {
  en: load('en', navigationMessages()),
  cy: load('cy'),
}

const pluralRules = Object.fromEntries(
  LANGUAGES.map((language) => [language, new Intl.PluralRules(LOCALES[language])]),
) as Record<Language, Intl.PluralRules>
const numberFormats = Object.fromEntries(
  LANGUAGES.map((language) => [language, new Intl.NumberFormat(LOCALES[language])]),
) as Record<Language, Intl.NumberFormat>

/** The plural categories a language's messages for a count must give. */
export function pluralCategories(language: Language): Intl.LDMLPluralRule[] {
  return pluralRules[language].resolvedOptions().pluralCategories
}

/** The names of a message's `{placeholders}`, in every form of it. */
export function placeholdersOf(message: Message): string[] {
  const texts = typeof message === 'string' ? [message] : Object.values(message)
  return [
    ...new Set(texts.flatMap((text) => [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))),
  ]
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '&#92;',
}

/** As Nunjucks' autoescape does it, so a page's English stays byte for byte what it was. */
function escapeHtml(value: string): string {
  return value.replace(/[&"'<>\\]/g, (character) => HTML_ESCAPES[character] ?? character)
}

/**
 * The message for `key` in `language` with its placeholders filled; a key the language lacks falls
 * back to English, and a key no catalogue has is shown as itself (the catalogue test finds both).
 */
export function translate(language: Language, key: string, params: MessageParams = {}): string {
  const message = CATALOGUES[language][key] ?? CATALOGUES.en[key]
  if (message === undefined) return key
  let text: string
  if (typeof message === 'string') text = message
  else {
    const count = Number(params.count)
    const category = Number.isFinite(count) ? pluralRules[language].select(count) : 'other'
    text = message[category] ?? message.other ?? key
  }
  const markup = key.endsWith('Html')
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in params)) return whole
    const value = params[name]
    const shown = typeof value === 'number' ? numberFormats[language].format(value) : String(value ?? '')
    return markup && !(value instanceof nunjucks.runtime.SafeString) ? escapeHtml(shown) : shown
  })
}

/** The fewest letters, besides its placeholders, by which a message with placeholders is found by its text. */
const MIN_LETTERS_TO_FIND = 8

interface EnglishPattern {
  key: string
  pattern: RegExp
  names: string[]
  /** How many letters the message has outside its placeholders. */
  literal: number
}

/**
 * Words that code says in English (a service's error for a field, a write's success banner, a label in
 * a view model) are found in the English catalogue by their text, as gettext finds a message by its
 * English: a text with no placeholders by itself, else by its pattern, the placeholders' values kept.
 */
const englishIndex = (() => {
  const exact = new Map<string, string>()
  const patterns: EnglishPattern[] = []
  for (const [key, message] of Object.entries(CATALOGUES.en)) {
    if (typeof message !== 'string' || key.endsWith('Html')) continue
    const names = placeholdersOf(message)
    if (!names.length) {
      if (!exact.has(message)) exact.set(message, key)
      continue
    }
    // A message that is mostly placeholders (`{count}`, `{from} to {to}`) would match any English at
    // all: it is said through its key, never found by its text.
    const literal = message.replace(/\{\w+\}/g, '').replace(/[^\p{L}]/gu, '').length
    if (literal < MIN_LETTERS_TO_FIND) continue
    const source = message
      .split(/(\{\w+\})/)
      .map((piece) => (/^\{\w+\}$/.test(piece) ? '(.+?)' : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('')
    const order = [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '')
    patterns.push({ key, pattern: new RegExp(`^${source}$`, 's'), names: order, literal })
  }
  // The most specific pattern first: "Case {reference} opened" before "Case {reference}".
  patterns.sort((a, b) => b.literal - a.literal)
  return { exact, patterns }
})()

/**
 * English that code said, in `language`: the catalogue's words for it where the English catalogue has
 * it, else the English as it is (the catalogue test and the Welsh walk find what is missing).
 */
export function inLanguageOf(language: Language, english: string): string {
  if (language === 'en') return english
  const key = englishIndex.exact.get(english)
  if (key) return translate(language, key)
  for (const { key: patternKey, pattern, names } of englishIndex.patterns) {
    const match = pattern.exec(english)
    if (!match) continue
    const params = Object.fromEntries(names.map((name, index) => [name, match[index + 1]]))
    return translate(language, patternKey, params)
  }
  return english
}
