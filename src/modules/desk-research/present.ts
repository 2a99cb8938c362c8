import type { CategoryConfig } from '../../domain/desk-research.js'
import type { Segment } from '../../domain/multi-pattern.js'
import type { ForceReference } from '../forces/service.js'
import type { PostRecord, ProfileRow, SummaryCounts } from './queries.js'
import type { Screener } from './screening.js'

export interface Share {
  key: string
  label: string
  instances: number
  percent: number
}

export interface ForceFigures {
  force: ForceReference
  profiles: number
  instances: number
  profilesWithInstances: number
  referred: number
}

export interface ExerciseSummary {
  profilesReviewed: number
  postsScreened: number
  flagged: number
  pending: number
  dismissed: number
  instances: number
  profilesWithInstances: number
  awaitingAttribution: number
  byPlatform: Share[]
  byCategory: Share[]
  byForce: ForceFigures[]
}

export interface QueuedPost extends PostRecord {
  profile: ProfileRow
  force: ForceReference | null
  segments: Segment[]
  categoryLabels: string[]
}

export interface ReferrableProfile {
  profile: ProfileRow
  force: ForceReference
  posts: PostRecord[]
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10
}

/** Each category's label by its code. */
export function categoryLabels(categories: CategoryConfig[]): Map<string, string> {
  return new Map(categories.map((category) => [category.code, category.label]))
}

/** Flagged posts as shown: with their profile, its force, the matched words marked and the categories named. */
export function presentPosts(
  rows: { post: PostRecord; profile: ProfileRow }[],
  screener: Screener,
  labels: Map<string, string>,
  forces: ForceReference[],
): QueuedPost[] {
  const byId = new Map(forces.map((force) => [force.id, force]))
  return rows.map(({ post, profile }) => ({
    ...post,
    profile,
    force: profile.forceId === null ? null : (byId.get(profile.forceId) ?? null),
    segments: screener.highlight(post.text),
    categoryLabels: post.matches.map((match) => labels.get(match.category) ?? match.category),
  }))
}

/** Confirmed instances grouped by profile; profiles still unattributed are counted, not listed. */
export function referrableProfiles(
  rows: { post: PostRecord; profile: ProfileRow }[],
  forces: ForceReference[],
): { ready: ReferrableProfile[]; unattributed: number } {
  const byId = new Map(forces.map((force) => [force.id, force]))
  const grouped = new Map<string, ReferrableProfile>()
  let unattributed = 0
  for (const { post, profile } of rows) {
    const force = profile.forceId === null ? undefined : byId.get(profile.forceId)
    if (!force) {
      unattributed++
      continue
    }
    const group = grouped.get(profile.id) ?? { profile, force, posts: [] }
    group.posts.push(post)
    grouped.set(profile.id, group)
  }
  return { ready: [...grouped.values()], unattributed }
}

/** The summary figures from an exercise's counts (the referrals column is filled from the register). */
export function summaryOf(
  counts: SummaryCounts,
  labels: Map<string, string>,
  forces: ForceReference[],
): ExerciseSummary {
  const { profiles, statuses, platforms, categories, withInstances, perForceProfiles, perForceInstances } =
    counts
  const status = (name: string) => statuses.find((s) => s.status === name)?.value ?? 0
  const instances = status('confirmed')
  const shares = (rows: { key: string; value: number }[], label: (key: string) => string): Share[] =>
    rows
      .map((row) => ({
        key: row.key,
        label: label(row.key),
        instances: row.value,
        percent: percent(row.value, instances),
      }))
      .sort((a, b) => b.instances - a.instances || a.key.localeCompare(b.key))
  const byId = new Map(forces.map((force) => [force.id, force]))
  const byForce = new Map<number, ForceFigures>()
  for (const row of perForceProfiles) {
    const force = byId.get(row.forceId as number) as ForceReference
    byForce.set(force.id, {
      force,
      profiles: row.value,
      instances: 0,
      profilesWithInstances: 0,
      referred: 0,
    })
  }
  for (const row of perForceInstances) {
    const figures = byForce.get(row.forceId as number)
    if (!figures) continue
    figures.instances = row.instances
    figures.profilesWithInstances = row.profiles
  }
  return {
    profilesReviewed: profiles?.profiles ?? 0,
    postsScreened: profiles?.posts ?? 0,
    flagged: statuses.reduce((sum, s) => sum + s.value, 0),
    pending: status('pending'),
    dismissed: status('dismissed'),
    instances,
    profilesWithInstances: withInstances?.value ?? 0,
    awaitingAttribution: profiles?.awaiting ?? 0,
    byPlatform: shares(platforms, (key) => key.charAt(0).toUpperCase() + key.slice(1)),
    byCategory: shares(categories, (key) => labels.get(key) ?? key),
    byForce: [...byForce.values()].sort((a, b) => a.force.name.localeCompare(b.force.name)),
  }
}
