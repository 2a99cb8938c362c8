/** What a page's HTML says to its reader, for tests that look at links and breadcrumbs. */

/** The text of each breadcrumb on the page ('' for an empty one); [] when the page has none. */
export function breadcrumbsOf(html: string): string[] {
  const list = html.match(/<ol class="govuk-breadcrumbs__list">([\s\S]*?)<\/ol>/)?.[1]
  if (list === undefined) return []
  return [...list.matchAll(/<li class="govuk-breadcrumbs__list-item">([\s\S]*?)<\/li>/g)].map(([, item]) =>
    (item ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  )
}
