import type { FastifyRequest } from 'fastify'
import { listNavigation } from '../lists.js'
import { inLanguageOf, type Language } from './catalogue.js'

type Navigation = ReturnType<typeof listNavigation>
type Pagination = NonNullable<Navigation['pagination']>

/**
 * GOV.UK's pagination says "Previous", "Next" and "Page 2" itself unless told otherwise; in Welsh it is
 * told the words of GOV.UK Frontend's localisation guide. English pages pass nothing, so they stay as
 * they were, byte for byte.
 */
export function paginationIn(language: Language, pagination: Pagination | undefined) {
  if (!pagination || language === 'en') return pagination
  const page = '<span class="govuk-visually-hidden"> tudalen</span>'
  return {
    landmarkLabel: 'Canlyniadau',
    items: pagination.items.map((item) =>
      'number' in item ? { ...item, visuallyHiddenText: `Tudalen ${item.number}` } : item,
    ),
    previous: pagination.previous && { ...pagination.previous, html: `Blaenorol${page}` },
    next: pagination.next && { ...pagination.next, html: `Nesaf${page}` },
  }
}

/**
 * A list's sortable headings and paging in the request's language: a heading's English is found in the
 * catalogues by its text (src/web/i18n/catalogue.ts), as a view model's words are.
 */
export function listNavigationIn(
  request: FastifyRequest,
  ...[path, typed, columns, shown]: Parameters<typeof listNavigation>
) {
  const language = request.language
  const worded = columns.map((column) => ({ ...column, text: inLanguageOf(language, column.text) }))
  const navigation = listNavigation(path, typed, worded, shown)
  return { ...navigation, pagination: paginationIn(language, navigation.pagination) }
}
