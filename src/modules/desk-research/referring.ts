import type { Transaction } from '../../db/tenancy.js'
import type { Actor } from '../../domain/access.js'
import { earlierDateProblems } from '../../domain/earlier-date.js'
import { ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import { referSchema } from './fields.js'
import type { ReferrableProfile } from './present.js'
import { markReferred, PROFILE_ENTITY } from './queries.js'

/** The type of referral an exercise makes, and counts. */
export const SOCIAL_MEDIA_MISCONDUCT = 'social-media misconduct'

/**
 * The day a profile's instances are referred: today, or an earlier day with a reason (research done in
 * a past period, recorded now), never before the latest of its posts. `earlier` holds the reason when
 * the day is earlier than today.
 */
export function referralDay(
  input: Record<string, unknown>,
  group: ReferrableProfile,
  today: string,
): { referredOn: string; earlier: { earlierDateReason?: string | null } } {
  const { referredOn = today, earlierDateReason } = parseOrThrow(referSchema, input)
  const latestPost = group.posts
    .map((post) => post.postedOn)
    .sort()
    .at(-1)
  const problems = earlierDateProblems(
    {
      field: 'referredOn',
      label: 'The date of the referral',
      reasonField: 'earlierDateReason',
      today,
      earliest: latestPost ? { day: latestPost, what: 'the day of the latest post it refers' } : undefined,
    },
    referredOn,
    earlierDateReason,
  )
  if (Object.keys(problems).length) throw new ValidationError(problems)
  const earlier = referredOn < today ? { earlierDateReason } : {}
  return { referredOn, earlier }
}

/** The referral of a profile's instances: a finding that summarises them and evidence listing their addresses. */
export function referralOf(
  exerciseName: string,
  labels: Map<string, string>,
  group: ReferrableProfile,
  referredOn: string,
) {
  const { profile, force, posts } = group
  const categories = [...new Set(posts.map((post) => labels.get(post.category) ?? post.category))]
  const finding =
    `${profile.handle}${profile.displayName ? ` (${profile.displayName})` : ''} on ${profile.platform}: ` +
    `${posts.length} potentially inappropriate ${posts.length === 1 ? 'post' : 'posts'} ` +
    `(${categories.join('; ').toLowerCase()}) on the public profile of a person who identifies as ` +
    `working for ${force.name}, found by the inspectorate’s desk research "${exerciseName}".`
  const evidence = posts
    .map((post) => `${post.postedOn} ${post.url ?? `(post ${post.externalId})`}: ${post.text}`)
    .join('\n\n')
    .slice(0, 10_000)
  return {
    force: force.code,
    type: SOCIAL_MEDIA_MISCONDUCT,
    finding: finding.slice(0, 5000),
    evidenceUrl: posts.find((post) => post.url)?.url ?? '',
    evidence,
    referredOn,
  }
}

/** Marks a profile's instances as referred by a referral, audited; refused if any was referred meanwhile. */
export async function markInstancesReferred(
  tx: Transaction,
  actor: Actor,
  group: ReferrableProfile,
  referral: { id: string; referredOn: string; earlier: { earlierDateReason?: string | null } },
  now: Date,
) {
  const { profile, force, posts } = group
  const marked = await markReferred(
    tx,
    posts.map((post) => post.id),
    referral.id,
  )
  if (marked.length !== posts.length)
    throw new ValidationError({ profile: 'These instances have just been referred by someone else' })
  await appendAuditEvent(
    tx,
    actor,
    {
      forceId: force.id,
      entityType: PROFILE_ENTITY,
      entityId: profile.id,
      action: 'refer',
      after: {
        referralId: referral.id,
        instances: posts.length,
        referredOn: referral.referredOn,
        ...referral.earlier,
      },
    },
    now,
  )
}
