import path from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'
import { ALERT_RULES, type AlertRule } from '../../domain/alert-rules.js'
import { NOTIFICATION_KINDS, NOTIFICATION_RULES, type NotificationKind } from '../../domain/notifications.js'
import { formatDay } from '../../web/forms.js'
import type { EventRow } from './queries.js'

/** Where messages link to: the page each is about, and the preferences page, as absolute addresses. */
export const PREFERENCES_PATH = '/account/notifications'

const templates = new nunjucks.Environment(
  new nunjucks.FileSystemLoader(path.join(path.dirname(fileURLToPath(import.meta.url)), 'templates')),
  // Plain text, not HTML: nothing to escape, and blocks' own line breaks dropped.
  { autoescape: false, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
)
templates.addFilter('formatDate', (value: unknown) => (typeof value === 'string' ? formatDay(value) : value))

export interface RenderedMail {
  subject: string
  body: string
}

/** A template's first line is the subject; the rest, after a blank line, the body. */
function render(name: string, context: object): RenderedMail {
  const text = templates.render(name, context)
  const [subject = '', ...rest] = text.split('\n')
  return { subject: subject.trim(), body: `${rest.join('\n').trim()}\n` }
}

export function absoluteUrl(baseUrl: string, pathOnSite: string): string {
  return new URL(pathOnSite, baseUrl).href
}

function eventContext(baseUrl: string, recipientName: string, event: EventRow) {
  const rule = ALERT_RULES[event.details.rule as AlertRule]
  return {
    recipientName,
    details: event.details,
    ruleTitle: rule?.title ?? 'a correlation rule’s finding',
    url: absoluteUrl(baseUrl, event.path),
    preferencesUrl: absoluteUrl(baseUrl, PREFERENCES_PATH),
  }
}

/** The email telling one person of one event, in its kind's template. */
export function renderEventMail(baseUrl: string, recipientName: string, event: EventRow): RenderedMail {
  return render(`${event.kind}.txt.njk`, eventContext(baseUrl, recipientName, event))
}

/** One person's daily digest: their events grouped by kind, each a line (its email's subject) and a link. */
export function renderDigestMail(baseUrl: string, recipientName: string, events: EventRow[]): RenderedMail {
  const groups = NOTIFICATION_KINDS.map((kind: NotificationKind) => ({
    label: NOTIFICATION_RULES[kind].label,
    entries: events
      .filter((event) => event.kind === kind)
      .map((event) => ({
        summary: renderEventMail(baseUrl, recipientName, event).subject,
        url: absoluteUrl(baseUrl, event.path),
      })),
  })).filter((group) => group.entries.length)
  return render('digest.txt.njk', {
    recipientName,
    total: events.length,
    groups,
    preferencesUrl: absoluteUrl(baseUrl, PREFERENCES_PATH),
  })
}
