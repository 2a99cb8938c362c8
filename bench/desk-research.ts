// Desk research benchmark (part of `npm run bench`): generates a corpus of BENCH_POSTS posts (default
// 1,000,000) as JSON lines, then (1) screens every post in memory, to measure the matcher alone, and
// (2) imports the file through the same path as `probity research import` (streamed, screened,
// batched inserts in one transaction) into a fresh database, with a progress bar. Reports posts per
// second and the peak resident memory. Nothing asserts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import cliProgress from 'cli-progress'
import { openDatabase } from '../src/db/connection.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import { DEFAULT_CATEGORIES, DEFAULT_THRESHOLD } from '../src/domain/desk-research.js'
import { generateCorpusFile } from '../src/modules/desk-research/generate.js'
import { Screener } from '../src/modules/desk-research/screening.js'
import { createServices } from '../src/services.js'

const POSTS = Number(process.env.BENCH_POSTS ?? 1_000_000)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-research-bench-'))
const file = path.join(dir, 'corpus.jsonl')

let peakRss = 0
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 50)
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)

try {
  let started = Date.now()
  await generateCorpusFile(file, { posts: POSTS, format: 'jsonl' })
  const generateSeconds = (Date.now() - started) / 1000
  const bytes = fs.statSync(file).size

  // (1) The matcher alone: read the texts back and screen them.
  const screener = new Screener(DEFAULT_CATEGORIES, DEFAULT_THRESHOLD)
  const texts: string[] = []
  for await (const line of createInterface({ input: fs.createReadStream(file) })) {
    if (texts.length >= 200_000) break
    texts.push((JSON.parse(line) as { text: string }).text)
  }
  started = performance.now()
  let screened = 0
  let flaggedInMemory = 0
  while (screened < POSTS) {
    for (const text of texts) {
      if (screened >= POSTS) break
      if (screener.screen(text)) flaggedInMemory++
      screened++
    }
  }
  const screenSeconds = (performance.now() - started) / 1000
  texts.length = 0

  // (2) The import, as the command line runs it.
  const settings = process.env.DATABASE_URL
    ? ({ kind: 'server', url: process.env.DATABASE_URL } as const)
    : ({ kind: 'embedded', dataDir: 'memory://' } as const)
  const database = await openDatabase(settings)
  await migrateDatabase(database)
  const services = createServices(database.db)
  const code = `bench-${Date.now()}`
  await services.deskResearch.create(SYSTEM_CALLER, {
    code,
    name: 'Benchmark corpus',
    periodFrom: '2011-09-01',
    periodTo: '2012-03-31',
    retainUntil: '2099-12-31',
  })
  const bar = new cliProgress.SingleBar(
    { format: 'Importing [{bar}] {percentage}% | {value}/{total} posts', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  )
  bar.start(POSTS, 0)
  const rssBeforeImport = process.memoryUsage().rss
  const peakBeforeImport = peakRss
  peakRss = rssBeforeImport
  started = Date.now()
  const outcome = await services.deskResearch.importPosts(
    SYSTEM_CALLER,
    code,
    {
      stream: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
      format: 'jsonl',
      filename: 'corpus.jsonl',
    },
    { onProgress: (rows) => bar.update(rows) },
  )
  bar.stop()
  const importSeconds = (Date.now() - started) / 1000
  const peakDuringImport = Math.max(peakRss, process.memoryUsage().rss)
  await database.close()
  clearInterval(sampler)

  const results = {
    date: new Date().toISOString(),
    database: database.kind,
    posts: POSTS,
    fileMb: mb(bytes),
    generateSeconds,
    screening: {
      seconds: Math.round(screenSeconds * 100) / 100,
      postsPerSecond: Math.round(POSTS / screenSeconds),
      flagged: flaggedInMemory,
      terms: DEFAULT_CATEGORIES.reduce((sum, category) => sum + category.terms.length, 0),
    },
    import: {
      seconds: Math.round(importSeconds * 10) / 10,
      postsPerSecond: Math.round(outcome.rows / importSeconds),
      profiles: outcome.profiles,
      flagged: outcome.flagged,
      queuedForAttribution: outcome.queued,
      rssBeforeImportMb: mb(rssBeforeImport),
      peakRssDuringImportMb: mb(peakDuringImport),
    },
    peakRssMb: mb(Math.max(peakBeforeImport, peakDuringImport)),
  }
  console.log(
    `\nDesk research benchmark: ${POSTS.toLocaleString('en-GB')} posts, ${database.kind} database\n`,
  )
  console.table({
    'screening only (matcher)': {
      'posts/s': results.screening.postsPerSecond,
      seconds: results.screening.seconds,
      flagged: results.screening.flagged,
    },
    'import (stream, screen, write)': {
      'posts/s': results.import.postsPerSecond,
      seconds: results.import.seconds,
      flagged: results.import.flagged,
    },
  })
  console.log(
    `Resident memory: ${results.import.rssBeforeImportMb} MB before the import (database open, migrated), ` +
      `${results.import.peakRssDuringImportMb} MB at most during it; ${results.peakRssMb} MB peak overall ` +
      `(the file is ${results.fileMb} MB)`,
  )
  fs.writeFileSync(
    new URL('./desk-research-results.json', import.meta.url),
    `${JSON.stringify(results, null, 2)}\n`,
  )
  console.log('Written to bench/desk-research-results.json')
} finally {
  clearInterval(sampler)
  fs.rmSync(dir, { recursive: true, force: true })
}
