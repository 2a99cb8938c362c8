import type { Language } from '../../web/i18n/catalogue.js'
import type { ForceReference } from '../forces/service.js'
import type { CommentRow, PublicationRow, VersionRow } from './queries.js'
import { contentHash, type DocumentFacts, KIND_LABELS } from './render.js'
import { PUBLICATION_KINDS, type PublicationKind, type PublicationStatus } from './schema.js'

export const STATUS_LABELS: Record<PublicationStatus, string> = {
  draft: 'Draft',
  'factual-accuracy': 'Factual-accuracy check',
  approved: 'Approved',
  published: 'Published',
}

export interface VersionView extends Omit<VersionRow, 'facts'> {
  facts: DocumentFacts
  /**
   * The language of `title`, `content` and `contentHash`: English, or Welsh for a Welsh force's press
   * release read in Welsh (`inLanguage`).
   */
  language: Language
  kind: PublicationKind
  kindLabel: string
  statusLabel: string
  inspectionId: string
  force: ForceReference | null
  /** Published and past its embargo on the service's clock: what the public may read. */
  isPublic: boolean
  /** Published, but its embargo has not ended yet. */
  embargoed: boolean
}

export interface DocumentView {
  id: string
  inspectionId: string
  kind: PublicationKind
  kindLabel: string
  force: ForceReference | null
  /** The versions the caller may read, newest first. */
  versions: VersionView[]
  latest: VersionView | null
}

export interface VersionDetail {
  version: VersionView
  document: DocumentView
  comments: CommentRow[]
}

/**
 * The version as read in a language: its Welsh title, Markdown and hash where it has them and Welsh
 * is asked for, else as it is (in English).
 */
export function inLanguage(version: VersionView, language: Language): VersionView {
  if (language !== 'cy' || version.welshContent === null || version.welshTitle === null) return version
  return {
    ...version,
    language: 'cy',
    title: version.welshTitle,
    content: version.welshContent,
    contentHash: version.welshContentHash ?? contentHash(version.welshContent),
  }
}

/** The languages a version is published in: English, and Welsh for a Welsh force's press release. */
export function languagesOf(version: VersionView): Language[] {
  return version.welshContent === null ? ['en'] : ['en', 'cy']
}

/** Whether the public may read a version: published, and past its embargo on the clock given. */
export function isPublic(row: VersionRow, now: () => Date): boolean {
  return row.status === 'published' && (!row.embargoUntil || row.embargoUntil <= now())
}

/** Versions beside their documents as views, with their forces among those given. */
export function versionViews(
  rows: { version: VersionRow; publication: PublicationRow }[],
  forces: ForceReference[],
  now: () => Date,
): VersionView[] {
  const byId = new Map(forces.map((force) => [force.id, force]))
  return rows.map(({ version, publication }) => ({
    ...version,
    facts: version.facts as unknown as DocumentFacts,
    language: 'en' as const,
    kind: publication.kind,
    kindLabel: KIND_LABELS[publication.kind],
    statusLabel:
      version.status === 'published' && !isPublic(version, now)
        ? 'Published under embargo'
        : STATUS_LABELS[version.status],
    inspectionId: publication.inspectionId,
    force: publication.forceId === null ? null : (byId.get(publication.forceId) ?? null),
    isPublic: isPublic(version, now),
    embargoed: version.status === 'published' && !isPublic(version, now),
  }))
}

/** Versions (each document's newest first) gathered into their documents, by force name and then kind. */
export function documentsOf(versions: VersionView[]): DocumentView[] {
  const documents = new Map<string, DocumentView>()
  for (const version of versions) {
    const existing = documents.get(version.publicationId)
    if (existing) existing.versions.push(version)
    else
      documents.set(version.publicationId, {
        id: version.publicationId,
        inspectionId: version.inspectionId,
        kind: version.kind,
        kindLabel: version.kindLabel,
        force: version.force,
        versions: [version],
        latest: version,
      })
  }
  return [...documents.values()].sort(
    (a, b) =>
      (a.force?.name ?? '').localeCompare(b.force?.name ?? '') ||
      PUBLICATION_KINDS.indexOf(a.kind) - PUBLICATION_KINDS.indexOf(b.kind),
  )
}

/** One version with its document (its versions newest first) and the comments on it. */
export function versionDetail(
  version: VersionView,
  publication: PublicationRow,
  versions: VersionView[],
  comments: CommentRow[],
): VersionDetail {
  return {
    version,
    document: {
      id: publication.id,
      inspectionId: publication.inspectionId,
      kind: publication.kind,
      kindLabel: KIND_LABELS[publication.kind],
      force: version.force,
      versions,
      latest: versions[0] ?? null,
    },
    comments,
  }
}
