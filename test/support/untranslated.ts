import { messageText } from '../../src/modules/translations/service.js'
import { CATALOGUES } from '../../src/web/i18n/catalogue.js'

/**
 * Finds the interface's English on a page shown in Welsh: the Welsh walks of the public's pages
 * (src/web/i18n/i18n.test.ts) and of a Welsh force's staff's (src/web/i18n/staff-pages-welsh.test.ts).
 */

/**
 * What a page says to its reader: its text nodes and aria-labels, leaving out scripts, styles and any
 * element marked lang="en" (content that exists only in English, such as a published document, which
 * says so to screen readers), with entities decoded and white space collapsed.
 */
export function textsOf(html: string): string[] {
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

/**
 * The English catalogue's text that Welsh words differently, in the pieces between placeholders and
 * tags; a piece the Welsh keeps as it is (a name, such as Probity's own) is not English.
 */
const englishFragments = [
  ...new Set(
    Object.entries(CATALOGUES.en).flatMap(([key, message]) => {
      const welsh = messageText(CATALOGUES.cy[key])
      if (welsh === messageText(message)) return []
      return (typeof message === 'string' ? [message] : Object.values(message))
        .flatMap((text) => (text ?? '').replace(/<[^>]+>/g, '{}').split(/\{\w*\}/))
        .map((fragment) => fragment.trim())
        .filter((fragment) => fragment.length >= 4 && /[a-z]{3}/i.test(fragment) && !welsh.includes(fragment))
    }),
  ),
]

const LETTER = /\p{L}/u

/** Whether `text` has `piece` not as part of a longer word: "Open" is not in "OpenDocument". */
function containsAsWords(text: string, piece: string): boolean {
  for (let at = text.indexOf(piece); at !== -1; at = text.indexOf(piece, at + 1)) {
    const before = text[at - 1] ?? ''
    const after = text[at + piece.length] ?? ''
    const startsWord = LETTER.test(piece[0] ?? '') && LETTER.test(before)
    const endsWord = LETTER.test(piece.at(-1) ?? '') && LETTER.test(after)
    if (!startsWord && !endsWord) return true
  }
  return false
}

/**
 * What a page shows in English where its language is Welsh, with the data it shows (names, what people
 * typed) taken out: each text that has an English word of the interface or a piece of the English
 * catalogue, with what gave it away.
 */
export function untranslated(html: string, data: readonly string[]): string[] {
  const texts = textsOf(html)
  const whole = texts.join('\n')
  // Longest first, so that a name is taken out before a shorter one inside it.
  const shown = data.filter((value) => whole.includes(value)).sort((a, b) => b.length - a.length)
  const found: string[] = []
  for (const original of texts) {
    let text = original
    for (const value of shown) text = text.split(value).join(' ')
    // Digits belong to a word: a code such as an authenticator's secret (`…U4NO2T…`) holds no English.
    const words = text.toLowerCase().split(/[^a-z0-9’']+/)
    const english = ENGLISH_WORDS.filter((word) => words.includes(word))
    const fragment = englishFragments.find((candidate) => containsAsWords(text, candidate))
    if (english.length || fragment) found.push(`${original} (${fragment ?? english.join(', ')})`)
  }
  return found
}
