import { z } from 'zod'
import { COUNT_AHEAD } from '../db/counting.js'
import { dateInputText, isDateParts } from '../domain/date-input.js'

/**
 * Paging and sorting for GOV.UK lists: the query string carries `page`, `sort` and `order`, so every
 * view of a list is a link that works without JavaScript and can be bookmarked or shared.
 */
export const PAGE_SIZE = 50

export const listQuery = z.object({
  page: z.coerce.number('Page must be a whole number').int().min(1).max(1_000_000).default(1),
  order: z.enum(['asc', 'desc']).default('desc'),
})

/**
 * The sort, order and page of a register's list, as its filter form and its API take them: a blank
 * choice means the default, as the form's empty options send it.
 */
export function sortAndPage<const Keys extends readonly [string, ...string[]]>(
  keys: Keys,
  defaultSort: Keys[number],
) {
  return {
    sort: z
      .union([z.enum(keys), z.literal('')], 'Sort by one of the table’s columns')
      .optional()
      .transform((value): Keys[number] => value || defaultSort),
    order: z
      .union([z.enum(['asc', 'desc']), z.literal('')], 'Order must be asc or desc')
      .optional()
      .transform((value) => value || 'desc'),
    page: z.coerce
      .number('The page must be a whole number')
      .int('The page must be a whole number')
      .min(1, 'The page must be 1 or more')
      .max(1_000_000, 'The page must be 1,000,000 or less')
      .default(1),
  }
}

/** The rows a page of a list holds, for the query that reads them. */
export function pageWindow(page: number, pageSize = PAGE_SIZE): { offset: number; limit: number } {
  return { offset: (page - 1) * pageSize, limit: pageSize }
}

/** A page of a list in the JSON API: the records under their own name, and where the page stands. */
export function pagedJson<const Name extends string, Item extends z.ZodType>(
  name: Name,
  item: Item,
  totalDescription = 'Records that match the filters, on every page',
) {
  const records = { [name]: z.array(item) } as { [Key in Name]: z.ZodArray<Item> }
  return z.object({
    ...records,
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int().meta({ description: totalDescription }),
    totalExact: z.boolean().meta({
      description: `False when there are more than \`total\`: a list counts at most ${COUNT_AHEAD.toLocaleString('en-GB')} records past the page, and its filters narrow it`,
    }),
    totalPages: z
      .number()
      .int()
      .meta({ description: 'The pages counted so far: more follow when `totalExact` is false' }),
  })
}

/** The body of a `pagedJson` response. */
export function pageOf<const Name extends string, Item>(
  name: Name,
  items: Item[],
  page: { page: number; total: number; exact?: boolean; pageSize?: number },
) {
  const pageSize = page.pageSize ?? PAGE_SIZE
  const records = { [name]: items } as { [Key in Name]: Item[] }
  return {
    ...records,
    page: page.page,
    pageSize,
    total: page.total,
    totalExact: page.exact ?? true,
    totalPages: Math.max(1, Math.ceil(page.total / pageSize)),
  }
}

/**
 * What was typed in a list's filter form (and its sort and order), trimmed, to show again and link; a
 * date input's three fields become one text value (the date, 2012-03-27, when they make one).
 */
export function typedValues(query: unknown, filterFields: readonly string[]): Record<string, string> {
  const source = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>
  return Object.fromEntries(
    [...filterFields, 'sort', 'order'].map((field) => {
      const value = source[field]
      if (isDateParts(value)) return [field, dateInputText(value)]
      return [field, typeof value === 'string' ? value.trim() : '']
    }),
  )
}

type Query = Record<string, string | number | undefined>

function link(path: string, query: Query, changes: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== '') params.set(key, String(value))
  }
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

/**
 * The parameters of GOV.UK's pagination component, or undefined when everything fits on one page. When
 * the total is not exact (see countAhead) the list goes on past it, so there is always a next page and
 * no last one.
 */
export function pagination(
  path: string,
  query: Query,
  page: number,
  total: number,
  pageSize = PAGE_SIZE,
  exact = true,
) {
  const counted = Math.max(1, Math.ceil(total / pageSize))
  const pages = exact ? counted : Math.max(counted, page + 1)
  if (pages === 1) return undefined
  const shown = [...new Set([1, page - 1, page, page + 1, ...(exact ? [pages] : [])])]
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

/**
 * What a list page shows around its rows: sortable headings, paging, which rows these are, and links
 * to download everything the filters select, each keeping the filters, sort and order.
 */
export function listNavigation(
  path: string,
  typed: Query,
  columns: { key: string; text: string; numeric?: boolean }[],
  shown: {
    sort: string
    order: 'asc' | 'desc'
    page: number
    total: number
    /** False when `total` is a lower bound (see countAhead). */
    exact?: boolean
    rows: number
    pageSize?: number
  },
) {
  // The sort and order as typed give way to the ones in force (a blank one means the default).
  const { sort: _sort, order: _order, ...filters } = typed
  const pageSize = shown.pageSize ?? PAGE_SIZE
  const linkQuery = { ...filters, sort: shown.sort, order: shown.order }
  const first = (shown.page - 1) * pageSize + 1
  return {
    head: sortableHead(path, filters, columns, shown),
    pagination: pagination(path, linkQuery, shown.page, shown.total, pageSize, shown.exact),
    first,
    last: first - 1 + shown.rows,
    csvHref: exportLink(path, linkQuery, 'csv'),
    xlsxHref: exportLink(path, linkQuery, 'xlsx'),
  }
}
