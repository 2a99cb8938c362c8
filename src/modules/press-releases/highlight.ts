import type { StoredSources } from './schema.js'

/**
 * A document's text as HTML paragraphs, each fact's source sentence in a <mark> with an id
 * (`source-<fact>-<n>`) that the fact's row on the review form links to. Everything is escaped; marks
 * that share a sentence nest their extra ids as empty anchors inside the one mark.
 */

export const sourceId = (fact: string, index: number) => `source-${fact}-${index}`

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string,
  )
}

interface Span {
  start: number
  end: number
  id: string
  fact: string
}

export function highlightedText(text: string, sources: StoredSources): string {
  const spans: Span[] = []
  for (const [fact, list] of Object.entries(sources)) {
    for (const [index, source] of (list ?? []).entries()) {
      const start = Math.max(0, Math.min(source.start, text.length))
      const end = Math.max(start, Math.min(source.end, text.length))
      if (end > start) spans.push({ start, end, id: sourceId(fact, index), fact })
    }
  }
  const cuts = [...new Set([0, text.length, ...spans.flatMap((span) => [span.start, span.end])])].sort(
    (a, b) => a - b,
  )
  let html = '<p class="govuk-body">'
  for (let index = 0; index < cuts.length - 1; index++) {
    const from = cuts[index] as number
    const to = cuts[index + 1] as number
    const covering = spans.filter((span) => span.start < to && span.end > from)
    const starting = spans.filter((span) => span.start === from)
    const pieces = text.slice(from, to).split(/(\n[ \t]*\n\s*)/)
    let first = true
    for (const piece of pieces) {
      if (/^\n[ \t]*\n/.test(piece)) {
        html += '</p>\n<p class="govuk-body">'
        continue
      }
      if (!piece) continue
      const body = escapeHtml(piece).replace(/\n/g, '<br>\n')
      if (!covering.length) {
        html += body
        continue
      }
      const facts = [...new Set(covering.map((span) => span.fact))].join(' ')
      const ids = first ? starting.map((span) => span.id) : []
      first = false
      const [id, ...more] = ids
      html += `<mark${id ? ` id="${id}"` : ''} data-facts="${escapeHtml(facts)}">${more
        .map((extra) => `<span id="${extra}"></span>`)
        .join('')}${body}</mark>`
    }
  }
  html += '</p>'
  return html.replace(/<p class="govuk-body">\s*<\/p>\n?/g, '')
}
