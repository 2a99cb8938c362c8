import type { Transaction } from '../../db/tenancy.js'
import type { Actor } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { appendAuditEvent } from '../audit/service.js'
import {
  POST_ENTITY,
  type PostRecord,
  type PostStatus,
  type ProfileRow,
  selectPost,
  selectPostWithProfile,
  selectReviewQueue,
  updatePostDecision,
} from './queries.js'

/** Every view of a post is audited: who saw whose post, and when. */
async function auditViews(
  tx: Transaction,
  actor: Actor,
  posts: PostRecord[],
  where: string,
  clock: () => Date,
) {
  const now = clock()
  for (const post of posts)
    await appendAuditEvent(
      tx,
      actor,
      { forceId: null, entityType: POST_ENTITY, entityId: post.id, action: 'view', after: { where } },
      now,
    )
}

/** A page of the flagged posts of one status, and how many there are; each post shown is audited. */
export async function reviewPage(
  tx: Transaction,
  actor: Actor,
  exerciseId: string,
  status: PostStatus,
  page: { offset: number; limit: number },
  clock: () => Date,
): Promise<{ total: number; rows: { post: PostRecord; profile: ProfileRow }[] }> {
  const { total, rows } = await selectReviewQueue(tx, exerciseId, status, page)
  await auditViews(
    tx,
    actor,
    rows.map((row) => row.post),
    `review queue (${status})`,
    clock,
  )
  return { total, rows }
}

/** One flagged post with its profile (none if the exercise has no such post); the view is audited. */
export async function viewPost(
  tx: Transaction,
  actor: Actor,
  exerciseId: string,
  postId: string,
  clock: () => Date,
): Promise<{ post: PostRecord; profile: ProfileRow }[]> {
  const rows = await selectPostWithProfile(tx, exerciseId, postId)
  await auditViews(
    tx,
    actor,
    rows.map((r) => r.post),
    'post',
    clock,
  )
  return rows
}

/** Confirms a flagged post as an instance, or dismisses it, unless it has been referred; audited. */
export async function recordDecision(
  tx: Transaction,
  actor: Actor,
  exerciseId: string,
  postId: string,
  values: { decision: 'confirm' | 'dismiss'; note: string | null },
  now: Date,
): Promise<PostRecord> {
  const current = await selectPost(tx, exerciseId, postId)
  if (!current) throw new NotFoundError('No such post')
  if (current.referralId)
    throw new ValidationError({
      decision: 'This post has been referred to its force: its decision stands',
    })
  const updated = await updatePostDecision(tx, postId, {
    status: values.decision === 'confirm' ? 'confirmed' : 'dismissed',
    note: values.note,
    decidedByLabel: actor.label,
    decidedAt: now,
  })
  await appendAuditEvent(
    tx,
    actor,
    {
      forceId: null,
      entityType: POST_ENTITY,
      entityId: postId,
      action: values.decision,
      before: { status: current.status, note: current.note },
      after: { status: updated?.status, note: values.note },
    },
    now,
  )
  return updated as PostRecord
}
