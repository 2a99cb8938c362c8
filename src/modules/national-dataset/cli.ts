import cliProgress from 'cli-progress'
import { InvalidArgumentError } from 'commander'
import { ConfigError, loadConfig } from '../../config.js'
import { withServices } from '../../services.js'
import {
  checkNationalOptions,
  type NationalProgress,
  type NationalSummary,
  seedNationalData,
} from './seed.js'

/** What `probity seed` takes: one dataset, and for the national one its size and seed. */
export interface SeedCommandOptions {
  demo?: boolean
  national?: boolean
  years?: string
  seed?: string
  scale?: string
}

/** Which dataset `probity seed` adds: exactly one of --demo and --national, and the sizes only with --national. */
export function chosenDataset(options: SeedCommandOptions): 'demo' | 'national' {
  if (options.demo && options.national)
    throw new InvalidArgumentError('Give either --demo or --national, not both')
  if (!options.demo && !options.national)
    throw new InvalidArgumentError('Say which dataset to add: --demo or --national')
  if (options.demo && (options.years ?? options.seed ?? options.scale) !== undefined)
    throw new InvalidArgumentError('--years, --seed and --scale go with --national only')
  return options.demo ? 'demo' : 'national'
}

const number = (text: string | undefined) =>
  text === undefined ? undefined : text.trim() === '' ? Number.NaN : Number(text)

/** One progress bar on standard error per table as it is written, then one for the inspection. */
function progressBars(): NationalProgress {
  let bar: cliProgress.SingleBar | undefined
  return ({ table, phase, rows, expected }) => {
    if (phase === 'start') {
      bar = new cliProgress.SingleBar(
        {
          format: `${table.padEnd(24)} [{bar}] {value}/{total}`,
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
      bar.start(Math.max(expected, 1), 0)
      return
    }
    if (!bar) return
    if (rows > bar.getTotal()) bar.setTotal(rows)
    bar.update(rows)
    if (phase === 'done') {
      bar.setTotal(Math.max(rows, 1))
      bar.update(rows)
      bar.stop()
      bar = undefined
    }
  }
}

export function summaryText(summary: NationalSummary): string {
  const width = Math.max(...Object.keys(summary.counts).map((table) => table.length))
  const lines = [
    `Added the national dataset (seed ${summary.seed}, ${summary.years} years from ${summary.dataFrom} to ${summary.today}, scale ${summary.scale}) in ${summary.seconds} s:`,
    ...Object.entries(summary.counts).map(
      ([table, count]) => `  ${table.padEnd(width)}  ${count.toLocaleString('en-GB').padStart(9)}`,
    ),
    `  ${summary.currentStaff.toLocaleString('en-GB')} staff serving and ${summary.currentSecondJobs.toLocaleString('en-GB')} current second jobs on ${summary.today}.`,
    `Inspection ${summary.inspection.code} (data ${summary.inspection.dataFrom} to ${summary.inspection.dataTo}, census ${summary.inspection.censusDate})${summary.inspection.baselineCode ? `, revisiting ${summary.inspection.baselineCode}` : ''}: every force's self-assessment submitted and judgement confirmed.`,
    `${summary.users.list.length} users, each with the password ${summary.password}: e.g. psd.head@cheshire.national.example, caseworker@cheshire.national.example, officer@cheshire.national.example, inspector@inspectorate.national.example.`,
  ]
  return lines.join('\n')
}

/** `probity seed --national [--years N] [--seed S] [--scale F]`. */
export async function seedNationalCommand(options: SeedCommandOptions): Promise<void> {
  const settings = checkNationalOptions({
    years: number(options.years),
    seed: number(options.seed),
    scale: number(options.scale),
  })
  const config = loadConfig()
  if (config.production)
    throw new ConfigError(
      'The national dataset has a published password: it is refused when NODE_ENV=production',
    )
  await withServices(config.database, async (_services, database) => {
    const summary = await seedNationalData(database.db, { ...settings, onProgress: progressBars() })
    console.log(summaryText(summary))
  })
}
