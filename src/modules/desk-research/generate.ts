import { once } from 'node:events'
import fs from 'node:fs'
import type { Writable } from 'node:stream'
import { EXPORT_COLUMNS, type ExportFormat } from './reading.js'

/** A small, fast, seeded random number generator (mulberry32), so a corpus is the same every time. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FORCE_MENTIONS = [
  ['Cheshire Police', 'cheshire'],
  ['Cleveland Police', 'cleveland'],
  ['GMP', 'gmp'],
  ['West Midlands Police', 'wmpolice'],
  ['the Met', 'met'],
  ['Kent Police', 'kent'],
  ['Thames Valley Police', 'tvp'],
  ['Merseyside Police', 'merseyside'],
  ['Dyfed-Powys Police', 'dyfedpowys'],
  ['Avon & Somerset', 'aandspolice'],
] as const
const PLATFORMS = [
  ['twitter', 0.71],
  ['facebook', 0.2],
  ['instagram', 0.05],
  ['youtube', 0.04],
] as const
const NEUTRAL =
  'great day out with the family at the beach lovely weather football match tonight who is watching the ' +
  'game first class result assess the menu passed my exam bake sale for charity run raised money thanks ' +
  'everyone new puppy garden looking good coffee morning at the cafe classic film tonight'
const NEUTRAL_WORDS = NEUTRAL.split(' ')
/** Phrases the default categories flag, one in a hundred posts or so. */
const FLAGGED = [
  'what a scumbag that driver was',
  'hate this job some days, the bosses are useless',
  'ran a check on my neighbour on the PNC, off the record',
  'raid this morning, locked up three of them on duty',
  'bring back hanging, string them up',
  'another night shift in custody with a load of chavs, idiots',
  'vote EDL',
]

export interface GenerateOptions {
  posts: number
  format: ExportFormat
  seed?: number
  /** Posts per profile on average. */
  postsPerProfile?: number
  /** Share of posts with a flagged phrase. */
  flaggedShare?: number
  /** Dates fall in this period. */
  from?: string
  days?: number
}

/**
 * Writes a synthetic export of public profiles and posts, for tests and the benchmark: profiles name a
 * force in their text or handle (some none, some two), about one post in a hundred says something the
 * default categories flag. Streams to `out`, respecting back-pressure.
 */
export async function writeCorpus(out: Writable, options: GenerateOptions): Promise<void> {
  const next = random(options.seed ?? 2012)
  const perProfile = options.postsPerProfile ?? 50
  const flaggedShare = options.flaggedShare ?? 0.01
  const profileCount = Math.max(1, Math.ceil(options.posts / perProfile))
  const start = Date.parse(`${options.from ?? '2011-09-01'}T00:00:00Z`)
  const days = options.days ?? 180
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T
  const profiles = Array.from({ length: profileCount }, (_, index) => {
    const roll = next()
    let platform = 'twitter'
    let acc = 0
    for (const [name, share] of PLATFORMS) {
      acc += share
      if (roll < acc) {
        platform = name
        break
      }
    }
    const [mention, short] = pick(FORCE_MENTIONS)
    const kind = next()
    const handle = kind < 0.3 ? `@${short}_pc${index}` : `@officer${index}`
    const profileText =
      kind < 0.3
        ? 'Views my own.'
        : kind < 0.93
          ? `Proud to serve with ${mention}. Views my own.`
          : kind < 0.97
            ? `Ex ${pick(FORCE_MENTIONS)[0]}, now with ${mention}.`
            : 'Public servant. Views my own.'
    return { platform, handle, displayName: `Officer ${index}`, profileText }
  })
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  if (options.format === 'csv') await write(`${EXPORT_COLUMNS.join(',')}\n`)
  let buffer = ''
  for (let index = 0; index < options.posts; index++) {
    const profile = profiles[index % profileCount] as (typeof profiles)[number]
    const words: string[] = []
    const length = 8 + Math.floor(next() * 20)
    for (let w = 0; w < length; w++) words.push(pick(NEUTRAL_WORDS))
    if (next() < flaggedShare) words.splice(Math.floor(next() * words.length), 0, pick(FLAGGED))
    const text = words.join(' ')
    const date = new Date(start + Math.floor(next() * days) * 86_400_000).toISOString().slice(0, 10)
    const postId = `p${index}`
    const url = `https://example.social/${profile.handle.slice(1)}/${postId}`
    if (options.format === 'jsonl') {
      buffer += `${JSON.stringify({
        platform: profile.platform,
        profile_handle: profile.handle,
        display_name: profile.displayName,
        profile_text: profile.profileText,
        post_id: postId,
        date,
        text,
        url,
      })}\n`
    } else {
      const fields = [
        profile.platform,
        profile.handle,
        profile.displayName,
        profile.profileText,
        postId,
        date,
        text,
        url,
      ]
      buffer += `${fields.map((field) => `"${field.replace(/"/g, '""')}"`).join(',')}\n`
    }
    if (buffer.length > 1 << 16) {
      await write(buffer)
      buffer = ''
    }
  }
  if (buffer) await write(buffer)
}

/** Writes a corpus to a file. */
export async function generateCorpusFile(file: string, options: GenerateOptions): Promise<void> {
  const out = fs.createWriteStream(file)
  await writeCorpus(out, options)
  out.end()
  await once(out, 'finish')
}
