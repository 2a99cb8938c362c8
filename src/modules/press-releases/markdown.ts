/**
 * The small part of Markdown a press release uses — headings, paragraphs, bullet and numbered lists,
 * block quotes, *emphasis*, **strong** and backslash escapes — and its conversion to plain text and to
 * an HTML fragment styled with GOV.UK Frontend classes.
 */

const SPECIAL = /[\\`*_[\]<>#|]/g

/** Text that Markdown shows as written: special characters escaped, line breaks folded into spaces. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(SPECIAL, (character) => `\\${character}`)
    .replace(/^(\d+)\. /, '$1\\. ')
    .replace(/^([-+]) /, '\\$1 ')
}

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'quote'; text: string }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'numbers'; items: string[] }

const BULLET = /^[-*+] +(.*)$/
const NUMBERED = /^\d+\. +(.*)$/

function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = []
  const chunks = markdown.replace(/\r\n?/g, '\n').split(/\n\s*\n/)
  for (const chunk of chunks) {
    const lines = chunk.split('\n').filter((line) => line.trim() !== '')
    if (lines.length === 0) continue
    const first = (lines[0] as string).trim()
    const heading = /^(#{1,6}) +(.*)$/.exec(first)
    if (heading && lines.length === 1) {
      blocks.push({ kind: 'heading', level: (heading[1] as string).length, text: heading[2] as string })
    } else if (first.startsWith('>')) {
      blocks.push({ kind: 'quote', text: lines.map((line) => line.trim().replace(/^> ?/, '')).join(' ') })
    } else if (BULLET.test(first) || NUMBERED.test(first)) {
      const pattern = BULLET.test(first) ? BULLET : NUMBERED
      const items: string[] = []
      for (const line of lines) {
        const item = pattern.exec(line.trim())
        if (item) items.push(item[1] as string)
        else if (items.length) items[items.length - 1] += ` ${line.trim()}`
      }
      blocks.push({ kind: pattern === BULLET ? 'bullets' : 'numbers', items })
    } else {
      blocks.push({ kind: 'paragraph', text: lines.map((line) => line.trim()).join(' ') })
    }
  }
  return blocks
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string,
  )
}

/** Inline Markdown to HTML (html = true) or to plain text: escapes undone, emphasis kept or dropped. */
function inline(text: string, html: boolean): string {
  let out = ''
  const open: string[] = []
  for (let index = 0; index < text.length; index++) {
    const character = text[index] as string
    const next = text[index + 1]
    if (character === '\\' && next !== undefined && /[\\`*_[\]<>#|.+-]/.test(next)) {
      out += html ? escapeHtml(next) : next
      index += 1
    } else if (character === '*' && next === '*') {
      const closing = open.at(-1) === 'strong'
      if (closing) open.pop()
      else open.push('strong')
      if (html) out += closing ? '</strong>' : '<strong>'
      index += 1
    } else if (character === '*') {
      const closing = open.at(-1) === 'em'
      if (closing) open.pop()
      else open.push('em')
      if (html) out += closing ? '</em>' : '<em>'
    } else {
      out += html ? escapeHtml(character) : character
    }
  }
  // An unclosed marker: close it so the fragment stays well formed.
  if (html) while (open.length) out += `</${open.pop()}>`
  return out
}

/** The press release as plain text: headings and paragraphs as lines, lists with "-" and "1.". */
export function markdownToText(markdown: string): string {
  const lines = parseBlocks(markdown).map((block) => {
    switch (block.kind) {
      case 'heading':
      case 'paragraph':
      case 'quote':
        return inline(block.text, false)
      case 'bullets':
        return block.items.map((item) => `- ${inline(item, false)}`).join('\n')
      case 'numbers':
        return block.items.map((item, index) => `${index + 1}. ${inline(item, false)}`).join('\n')
      default:
        return ''
    }
  })
  return `${lines.join('\n\n')}\n`
}

const HEADING_CLASS: Record<number, string> = { 1: 'govuk-heading-l', 2: 'govuk-heading-m' }

/** The press release as an HTML fragment with GOV.UK Frontend classes, every text escaped. */
export function markdownToHtml(markdown: string): string {
  const html = parseBlocks(markdown).map((block) => {
    switch (block.kind) {
      case 'heading': {
        const level = Math.min(block.level, 6)
        return `<h${level} class="${HEADING_CLASS[level] ?? 'govuk-heading-s'}">${inline(block.text, true)}</h${level}>`
      }
      case 'paragraph':
        return `<p class="govuk-body">${inline(block.text, true)}</p>`
      case 'quote':
        return `<blockquote class="govuk-inset-text"><p class="govuk-body">${inline(block.text, true)}</p></blockquote>`
      case 'bullets':
        return `<ul class="govuk-list govuk-list--bullet">\n${block.items.map((item) => `  <li>${inline(item, true)}</li>`).join('\n')}\n</ul>`
      case 'numbers':
        return `<ol class="govuk-list govuk-list--number">\n${block.items.map((item) => `  <li>${inline(item, true)}</li>`).join('\n')}\n</ol>`
      default:
        return ''
    }
  })
  return `${html.join('\n')}\n`
}
