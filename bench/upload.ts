// Upload benchmark (called by bench/run.ts; also runnable alone: `node --import tsx bench/upload.ts`):
// what a large bad upload does to everyone else (issue P13). A caseworker sends the gifts import page a
// nearly 50 MB CSV of 99,000 bad rows, then a 200,000-row workbook of bad rows, each from another
// process (curl) so the sending costs the server nothing; meanwhile this process asks /healthz over a
// socket, one request after another, and notes the longest the event loop went between two turns (in
// the process's CPU time, so that a machine busy with other work does not count as the server's
// stall). Before each, a two-row file of the same kind is uploaded unmeasured, as a server that has
// served one import already would be: what is compiled on first use (the page's template, the form
// reader's code) is a cost of the process's first upload, not of a large one. Each file is made just
// before it is sent and let go after, so the garbage of making it is not collected while the server is
// timed. Printed and returned; nothing asserts.
import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { signedInAgent } from '../test/support/agent.js'
import { createRegisterTestApp } from '../test/support/registers.js'
import { sheetXml, workbook } from '../test/support/zip.js'

const IMPORT = '/gifts-hospitality/import'
const HEADER = ['staff_number', 'kind', 'description', 'donor_name', 'donor_type', 'estimated_value']
const TAIL = ['offered_on', 'outcome']

export interface UploadFigures {
  file: string
  megabytes: number
  status: number
  uploadSeconds: number
  healthzAnswered: number
  healthzP50Ms: number
  healthzMaxMs: number
  /** The longest the event loop went between two turns, in CPU milliseconds of every thread: the GC's helpers, and the thread that checks uploads, too. */
  longestTurnCpuMs: number
  /** The longest the loop was late, by the clock (perf_hooks): the same on an idle machine, more on a busy one. */
  longestDelayMs: number
}

/** A bad row: its date is not one. */
const badRow = (index: number, description: string) => [
  'ALPHA0001',
  'gift',
  description,
  'Acme',
  'supplier',
  '£10',
  `not a date ${index}`,
  'declined',
]

function csvOfBadRows(rows: number, description: string): string {
  const lines = [[...HEADER, ...TAIL].join(',')]
  for (let index = 0; index < rows; index++) lines.push(badRow(index, description).join(','))
  return `${lines.join('\n')}\n`
}

function* sheetRowsOfBadRows(rows: number): Generator<string[]> {
  yield [...HEADER, ...TAIL]
  for (let index = 0; index < rows; index++) yield badRow(index, 'Tickets')
}

/** The CPU time the loop spends between turns, noted at each turn of a setImmediate loop. */
function longestTurn(): { stop(): number } {
  let longest = 0
  let previous = process.cpuUsage()
  let running = true
  const turn = () => {
    const used = process.cpuUsage(previous)
    longest = Math.max(longest, (used.user + used.system) / 1000)
    previous = process.cpuUsage()
    if (running) setImmediate(turn)
  }
  setImmediate(turn)
  return {
    stop() {
      running = false
      return longest
    },
  }
}

function timedGet(port: number, cookie: string): Promise<number> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    http
      .get({ port, path: '/healthz', headers: { cookie } }, (response) => {
        response.resume()
        response.on('end', () => resolve(performance.now() - started))
      })
      .on('error', reject)
  })
}

const percentile = (sorted: number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0

export async function benchUpload(log: (line: string) => void = (line) => console.error(line)) {
  const { testApp, cast } = await createRegisterTestApp(() => new Date('2012-03-30T10:00:00Z'))
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'probity-bench-upload-'))
  const figures: UploadFigures[] = []
  try {
    const caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await testApp.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = testApp.app.server.address() as AddressInfo
    const files = [
      {
        name: 'gifts.csv',
        type: 'text/csv',
        rows: 99_000,
        data: (rows: number) => csvOfBadRows(rows, 'x'.repeat(440)),
      },
      {
        name: 'gifts.xlsx',
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        rows: 200_000,
        data: (rows: number) => workbook(sheetXml(sheetRowsOfBadRows(rows))),
      },
    ]
    for (const file of files) {
      const warmUp = await caseworker.upload(IMPORT, {
        filename: file.name,
        type: file.type,
        data: file.data(2),
      })
      if (warmUp.statusCode !== 400) throw new Error(`the warm-up upload answered ${warmUp.statusCode}`)
      const target = path.join(folder, file.name)
      await fs.writeFile(target, file.data(file.rows))
      const megabytes = (await fs.stat(target)).size / 1024 / 1024
      log(`Uploading ${file.name} (${megabytes.toFixed(1)} MB) while asking /healthz…`)
      const started = performance.now()
      let uploading = true
      const upload = promisify(execFile)(
        'curl',
        [
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '-H',
          `cookie: ${caseworker.cookieHeader}`,
          '-F',
          `_csrf=${caseworker.csrfToken}`,
          '-F',
          `file=@${target};type=${file.type}`,
          `http://127.0.0.1:${port}${IMPORT}`,
        ],
        { maxBuffer: 1024 * 1024 },
      ).finally(() => {
        uploading = false
      })
      // Timed from here: starting curl forks this process (the server's too, as the bench runs it),
      // which holds the loop for tens of milliseconds before the upload has even begun.
      const turns = longestTurn()
      const delay = monitorEventLoopDelay({ resolution: 10 })
      delay.enable()
      const latencies: number[] = []
      while (uploading) latencies.push(await timedGet(port, caseworker.cookieHeader))
      const { stdout } = await upload
      const uploadSeconds = (performance.now() - started) / 1000
      const longestTurnCpuMs = turns.stop()
      delay.disable()
      latencies.sort((a, b) => a - b)
      figures.push({
        file: file.name,
        megabytes: Number(megabytes.toFixed(1)),
        status: Number(stdout),
        uploadSeconds: Number(uploadSeconds.toFixed(1)),
        healthzAnswered: latencies.length,
        healthzP50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
        healthzMaxMs: Number((latencies.at(-1) ?? 0).toFixed(1)),
        longestTurnCpuMs: Number(longestTurnCpuMs.toFixed(1)),
        longestDelayMs: Number((delay.max / 1e6).toFixed(1)),
      })
    }
  } finally {
    await fs.rm(folder, { recursive: true, force: true })
    await testApp.close()
  }
  return figures
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchUpload()
  console.table(figures)
}
