import { z } from 'zod'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { recordNotificationEvent } from '../notifications/events.js'
import { CHECKERS, PUBLISHERS } from './access.js'
import {
  appendEvent,
  COMMENT_ENTITY,
  type CommentRow,
  insertComment,
  isId,
  selectComment,
  selectVersionRow,
  updateComment,
} from './queries.js'
import { type PublicationContext, readVersion } from './reading.js'
import { refusePublished } from './workflow.js'

/**
 * The factual-accuracy check: the force comments on a version sent to it, and the inspectorate accepts
 * or rejects each comment with its reason before the version can be approved.
 */

const commentSchema = z.object({
  comment: z
    .string('Enter your comment')
    .trim()
    .min(1, 'Enter your comment')
    .max(5000, 'Comment must be 5,000 characters or fewer'),
})
const responseSchema = z.object({
  response: z.enum(['accepted', 'rejected'], 'Select whether the comment is accepted or rejected'),
  reason: z
    .string('Give the reason')
    .trim()
    .min(1, 'Give the reason for accepting or rejecting the comment')
    .max(5000, 'Reason must be 5,000 characters or fewer'),
})

/** The force's comment on a version in its factual-accuracy check. */
export async function addComment(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
  input: { comment?: unknown },
): Promise<CommentRow> {
  requireRole(caller, ...CHECKERS)
  if (caller.scope.kind !== 'force')
    throw new ForbiddenError('Only the force checks its documents for factual accuracy')
  const { version } = await readVersion(context, caller, versionId)
  if (version.forceId !== caller.scope.forceId) throw new NotFoundError('No such document')
  if (version.status !== 'factual-accuracy')
    throw new ValidationError({ comment: 'This version is not open for factual-accuracy comments' })
  const parsed = commentSchema.safeParse(input)
  if (!parsed.success)
    throw new ValidationError({ comment: parsed.error.issues[0]?.message ?? 'Enter your comment' })
  const forceId = caller.scope.forceId
  return inScope(context.db, caller.scope, async (tx) => {
    const [created] = await insertComment(tx, {
      versionId,
      forceId,
      comment: parsed.data.comment,
      authorId: userIdOf(caller),
      authorLabel: caller.actor.label,
      createdAt: context.now(),
    })
    if (!created) throw new Error('insert returned no row')
    await appendEvent(context, tx, caller, {
      forceId,
      entityType: COMMENT_ENTITY,
      entityId: created.id,
      action: 'create',
      after: { versionId, comment: created.comment },
    })
    await recordNotificationEvent(
      tx,
      {
        forceId,
        kind: 'draft-comment',
        eventKey: created.id,
        audience: 'inspectors',
        path: `/publications/${versionId}`,
        details: { title: version.title, forceName: version.force?.name ?? 'A force' },
      },
      created.createdAt,
    )
    return created
  })
}

/** The inspectorate accepts or rejects a comment, with its reason. */
export async function respondToComment(
  context: PublicationContext,
  caller: Caller,
  commentId: string,
  input: { response?: unknown; reason?: unknown },
): Promise<CommentRow> {
  requireRole(caller, ...PUBLISHERS)
  if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
  if (!isId(commentId)) throw new NotFoundError('No such comment')
  const parsed = responseSchema.safeParse(input)
  if (!parsed.success) {
    const errors: Record<string, string> = {}
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message
    throw new ValidationError(errors)
  }
  return inScope(context.db, caller.scope, async (tx) => {
    const [comment] = await selectComment(tx, commentId)
    if (!comment) throw new NotFoundError('No such comment')
    const [version] = await selectVersionRow(tx, comment.versionId)
    if (!version) throw new NotFoundError('No such comment')
    refusePublished(version)
    if (version.status !== 'factual-accuracy')
      throw new ValidationError({ response: 'The factual-accuracy check of this version is over' })
    const [after] = await updateComment(tx, commentId, {
      response: parsed.data.response,
      responseReason: parsed.data.reason,
      respondedBy: userIdOf(caller),
      respondedByLabel: caller.actor.label,
      respondedAt: context.now(),
    })
    await appendEvent(context, tx, caller, {
      forceId: comment.forceId,
      entityType: COMMENT_ENTITY,
      entityId: comment.id,
      action: parsed.data.response === 'accepted' ? 'accept' : 'reject',
      before: { response: comment.response, responseReason: comment.responseReason },
      after: { response: after?.response, responseReason: after?.responseReason },
    })
    return after as CommentRow
  })
}
