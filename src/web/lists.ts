import { z } from 'zod'

/**
 * Paging and sorting for GOV.UK lists: the query string carries `page`, `sort` and `order`, so every
 * view of a list is a link that works without JavaScript and can be bookmarked or shared.
 */
export const PAGE_SIZE = 50

export const listQuery = z.object({
  page: z.coerce.number('Page must be a whole number').int().min(1).max(1_000_000).default(1),
  order: z.enum(['asc', 'desc']).default('desc'),
})

type Query = Record<string, string | number | undefined>

function link(path: string, query: Query, changes: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== '') params.set(key, String(value))
  }
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

/** The parameters of GOV.UK's pagination component, or undefined when everything fits on one page. */
export function pagination(path: string, query: Query, page: number, total: number, pageSize = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(total / pageSize))
  if (pages === 1) return undefined
  const shown = [...new Set([1, page - 1, page, page + 1, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b)
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  shown.forEach((number, index) => {
    if (index > 0 && number - (shown[index - 1] as number) > 1) items.push({ ellipsis: true })
    items.push({ number, href: link(path, query, { page: number }), current: number === page })
  })
  return {
    items,
    previous: page > 1 ? { href: link(path, query, { page: page - 1 }) } : undefined,
    next: page < pages ? { href: link(path, query, { page: page + 1 }) } : undefined,
  }
}

/**
 * Table headings that sort the list: each is a link that sorts by that column (again: the other way),
 * with `aria-sort` on the current one so screen readers announce it.
 */
export function sortableHead(
  path: string,
  query: Query,
  columns: { key: string; text: string; numeric?: boolean }[],
  current: { sort: string; order: 'asc' | 'desc' },
) {
  return columns.map(({ key, text, numeric }) => {
    const active = key === current.sort
    const order = active && current.order === 'asc' ? 'desc' : 'asc'
    const href = link(path, query, { sort: key, order, page: undefined })
    return {
      html: `<a class="govuk-link govuk-link--no-visited-state" href="${href.replaceAll('&', '&amp;')}">${text}</a>`,
      ...(numeric ? { format: 'numeric' } : {}),
      attributes: { 'aria-sort': active ? (current.order === 'asc' ? 'ascending' : 'descending') : 'none' },
    }
  })
}

/** The current list's address with another format, for "download what you see" links. */
export function exportLink(path: string, query: Query, format: 'csv' | 'xlsx'): string {
  return link(`${path}.${format}`, query, { page: undefined })
}
