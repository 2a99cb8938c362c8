/**
 * Bar charts as inline SVG, each with the table of the same figures beside it (the table is what a
 * screen reader and a printer rely on; the chart is hidden from assistive technology). No styles: the
 * page's Content-Security-Policy allows only its own stylesheet, so colours are SVG attributes.
 */

export interface Bar {
  label: string
  value: number
  /** The page the value is counted from: the table's figure links to it. */
  href?: string
}

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string,
  )
}

const number = new Intl.NumberFormat('en-GB')

/** A horizontal bar chart. */
export function barChartSvg(bars: readonly Bar[]): string {
  const labelWidth = 260
  const barArea = 360
  const rowHeight = 28
  const height = Math.max(1, bars.length) * rowHeight + 10
  const width = labelWidth + barArea + 60
  const max = Math.max(1, ...bars.map((bar) => bar.value))
  const rows = bars.map((bar, index) => {
    const y = 5 + index * rowHeight
    const length = Math.max(0, Math.round((Math.max(0, bar.value) / max) * barArea))
    return [
      `<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end" font-size="14" fill="#0b0c0c">${escapeXml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${length}" height="${rowHeight - 8}" fill="#1d70b8"></rect>`,
      `<text x="${labelWidth + length + 6}" y="${y + 18}" font-size="14" fill="#0b0c0c">${number.format(bar.value)}</text>`,
    ].join('')
  })
  return `<svg class="probity-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-hidden="true" focusable="false" font-family="GDS Transport, arial, sans-serif">${rows.join('')}</svg>`
}

/**
 * The chart above its table. The chart keeps a readable size: on a narrow screen it scrolls inside its
 * own box (a labelled region that takes focus) rather than shrinking its labels.
 */
export function chartWithTable(caption: string, headers: [string, string], bars: readonly Bar[]): string {
  const body = bars
    .map(
      (bar) =>
        `<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${escapeXml(bar.label)}</th><td class="govuk-table__cell govuk-table__cell--numeric">${bar.href ? `<a class="govuk-link" href="${escapeXml(bar.href)}">${number.format(bar.value)}</a>` : number.format(bar.value)}</td></tr>`,
    )
    .join('')
  return [
    '<div class="govuk-grid-row probity-chart-block">',
    `<div class="govuk-grid-column-full"><div class="app-chart" role="region" aria-label="Chart: ${escapeXml(caption)}" tabindex="0">${barChartSvg(bars)}</div></div>`,
    '<div class="govuk-grid-column-two-thirds">',
    `<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">${escapeXml(caption)}</caption>`,
    `<thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">${escapeXml(headers[0])}</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">${escapeXml(headers[1])}</th></tr></thead>`,
    `<tbody class="govuk-table__body">${body}</tbody></table>`,
    '</div></div>',
  ].join('')
}
