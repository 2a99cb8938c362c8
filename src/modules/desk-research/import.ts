import type { Readable } from 'node:stream'
import type { Transaction } from '../../db/tenancy.js'
import type { Actor } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { appendAuditEvent } from '../audit/service.js'
import {
  addPostsScreened,
  EXERCISE_ENTITY,
  type Exercise,
  insertFlaggedPosts,
  upsertProfiles,
} from './queries.js'
import { type ExportFormat, type PostRow, readExport } from './reading.js'
import type { Attributor, Screener } from './screening.js'

/** Rows written to the database at a time by an import. */
export const IMPORT_BATCH = 2000
/** Bad rows listed in full; beyond this they are counted. */
export const MAX_PROBLEMS_LISTED = 100

export interface ImportOutcome {
  rows: number
  profiles: number
  newProfiles: number
  flagged: number
  queued: number
}

export interface ImportProblem {
  line: number
  reason: string
}

/** An import refused for its bad rows: nothing was written. */
export class ImportRejectedError extends ValidationError {
  constructor(
    readonly problems: ImportProblem[],
    readonly problemCount: number,
    readonly rowsRead: number,
  ) {
    super({
      file: `${problemCount} bad row${problemCount === 1 ? '' : 's'} in the file: nothing was imported`,
    })
  }
}

/**
 * Writes an export of profiles and posts into an exercise, screening each post as it is read. Rows are
 * written in batches inside the caller's ONE transaction: on any bad row the rest of the file is still
 * checked (to list every problem) and then ImportRejectedError rolls everything back. Memory holds one
 * batch and one entry per profile.
 */
export async function importExport(
  tx: Transaction,
  actor: Actor,
  work: {
    exercise: Exercise
    screener: Screener
    attributor: Attributor
    source: { stream: Readable; format: ExportFormat; filename: string }
    options: { onProgress?: (rows: number) => void }
    now: Date
  },
): Promise<ImportOutcome> {
  const { exercise, screener, attributor, source, options, now } = work
  const problems: ImportProblem[] = []
  let problemCount = 0
  let rows = 0
  /** Profile key → its id and the posts screened for it in this import. */
  const profiles = new Map<string, { id: string; posts: number }>()
  let newProfiles = 0
  let flagged = 0
  let queued = 0
  /** Profiles met in this batch and not yet written, with the posts screened for each. */
  let pendingProfiles = new Map<string, { row: PostRow; posts: number }>()
  let pendingPosts: {
    row: PostRow
    key: string
    screening: NonNullable<ReturnType<Screener['screen']>>
  }[] = []

  const flush = async () => {
    if (pendingProfiles.size) {
      const values = [...pendingProfiles.values()].map(({ row }) => {
        const attribution = attributor.attribute(row)
        return {
          exerciseId: exercise.id,
          platform: row.platform,
          handle: row.handle,
          handleKey: row.handleKey,
          displayName: row.displayName,
          profileText: row.profileText,
          forceId: attribution.forceId,
          attribution: attribution.forceId === null ? ('queued' as const) : ('automatic' as const),
          candidateForceIds: attribution.candidates,
          createdAt: now,
        }
      })
      const written = await upsertProfiles(tx, values)
      for (const profile of written) {
        const key = `${profile.platform}\u0000${profile.handleKey}`
        profiles.set(key, { id: profile.id, posts: pendingProfiles.get(key)?.posts ?? 0 })
        if (profile.inserted) {
          newProfiles++
          if (profile.forceId === null) queued++
        }
      }
      pendingProfiles = new Map()
    }
    if (pendingPosts.length) {
      const inserted = await insertFlaggedPosts(
        tx,
        pendingPosts.map(({ row, key, screening }) => ({
          exerciseId: exercise.id,
          profileId: profiles.get(key)?.id as string,
          externalId: row.postId,
          postedOn: row.postedOn,
          text: row.text,
          url: row.url,
          line: row.line,
          score: screening.score,
          category: screening.category,
          matches: screening.matches,
          createdAt: now,
        })),
      )
      flagged += inserted.length
      pendingPosts = []
    }
  }

  for await (const read of readExport(source.stream, source.format)) {
    if ('problem' in read) {
      problemCount++
      if (problems.length < MAX_PROBLEMS_LISTED) problems.push({ line: read.line, reason: read.problem })
      continue
    }
    rows++
    if (rows % 10_000 === 0) options.onProgress?.(rows)
    const row = read.row
    if (row.postedOn < exercise.periodFrom || row.postedOn > exercise.periodTo) {
      problemCount++
      if (problems.length < MAX_PROBLEMS_LISTED)
        problems.push({
          line: row.line,
          reason: `the post is dated ${row.postedOn}, outside the exercise’s period ${exercise.periodFrom} to ${exercise.periodTo}`,
        })
      continue
    }
    if (problemCount) continue
    const key = `${row.platform}\u0000${row.handleKey}`
    const known = profiles.get(key) ?? pendingProfiles.get(key)
    if (known) known.posts++
    else pendingProfiles.set(key, { row, posts: 1 })
    const screening = screener.screen(row.text)
    if (screening) pendingPosts.push({ row, key, screening })
    if (pendingPosts.length >= IMPORT_BATCH || pendingProfiles.size >= IMPORT_BATCH) await flush()
  }
  if (problemCount) throw new ImportRejectedError(problems, problemCount, rows)
  await flush()
  options.onProgress?.(rows)
  await addPostsScreened(
    tx,
    [...profiles.values()].filter((profile) => profile.posts > 0),
  )
  const summary = {
    filename: source.filename,
    rows,
    profiles: profiles.size,
    newProfiles,
    flagged,
    queued,
  }
  await appendAuditEvent(
    tx,
    actor,
    {
      forceId: null,
      entityType: EXERCISE_ENTITY,
      entityId: exercise.id,
      action: 'import',
      after: summary,
    },
    now,
  )
  return { rows, profiles: profiles.size, newProfiles, flagged, queued }
}
