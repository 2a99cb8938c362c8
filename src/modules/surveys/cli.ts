import fs from 'node:fs'
import path from 'node:path'
import cliProgress from 'cli-progress'
import { Command } from 'commander'
import { z } from 'zod'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import { withServices } from '../../services.js'
import { checkKind } from './reading.js'
import { ImportRejectedError } from './service.js'

const importOptions = z.object({
  survey: z.string().trim().min(1, 'give the survey’s code').max(100),
  wave: z.string().trim().min(1, 'give the wave’s code').max(100),
  aggregates: z.boolean().default(false),
})

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size
  } catch (error) {
    throw new ValidationError({ file: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}` })
  }
}

function printProblems(error: unknown) {
  if (!(error instanceof ImportRejectedError)) return
  for (const problem of error.problems) console.error(`line ${problem.line}: ${problem.reason}`)
  if (error.problemCount > error.problems.length)
    console.error(`… and ${error.problemCount - error.problems.length} more`)
}

/** `probity surveys …`: the inspectorate's surveys of the public. */
export function surveysCommand(): Command {
  const surveys = new Command('surveys').description(
    'Surveys of the public: define them, import a wave’s respondents or tables',
  )

  surveys
    .command('define')
    .description(
      'Save a survey’s definition (JSON: questionnaire versions and waves); new versions and waves are added',
    )
    .argument('<file>', 'the .json file')
    .action(async (file: string) => {
      let definition: unknown
      try {
        definition = JSON.parse(fs.readFileSync(file, 'utf8'))
      } catch (error) {
        throw new ValidationError({ file: `cannot read ${file} as JSON: ${(error as Error).message}` })
      }
      await withServices(loadConfig().database, async (services) => {
        const survey = await services.surveys.save(SYSTEM_CALLER, definition)
        console.log(`Saved the survey ${survey.code}.`)
      })
    })

  surveys
    .command('import')
    .description(
      'Import a wave’s respondents (CSV or Excel: stratum, weight, one column per question), streamed, ' +
        'replacing what the wave held; with --aggregates, a published table (question, answer, base, ' +
        'weighted_share [, region]). Any bad row (listed with its line) and nothing is written.',
    )
    .argument('<file>', 'the .csv or .xlsx file')
    .requiredOption('--survey <code>', 'the survey’s code')
    .requiredOption('--wave <code>', 'the wave’s code, e.g. 2012')
    .option('--aggregates', 'the file is a published aggregate table, not respondents')
    .action(async (file: string, raw: Record<string, unknown>) => {
      const options = parseOrThrow(importOptions, raw)
      checkKind(file)
      const size = sizeOf(file)
      await withServices(loadConfig().database, async (services) => {
        const filename = path.basename(file)
        if (options.aggregates) {
          const outcome = await services.surveys
            .importAggregates(SYSTEM_CALLER, options.survey, options.wave, {
              filename,
              data: fs.readFileSync(file),
            })
            .catch((error) => {
              printProblems(error)
              throw error
            })
          console.log(`Imported ${outcome.cells} cells of the published table into wave ${options.wave}.`)
          return
        }
        const bar = new cliProgress.SingleBar(
          {
            format: 'Importing [{bar}] {percentage}% | {rows} respondents | {mb}/{totalMb} MB',
            stream: process.stderr,
            hideCursor: true,
            // Piped to a log, a line every five seconds shows it is still going.
            noTTYOutput: true,
            notTTYSchedule: 5000,
          },
          cliProgress.Presets.shades_classic,
        )
        const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 })
        const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
        let bytes = 0
        let rows = 0
        bar.start(size, 0, { rows: 0, mb: mb(0), totalMb: mb(size) })
        stream.on('data', (chunk) => {
          bytes += chunk.length
          bar.update(bytes, { rows, mb: mb(bytes) })
        })
        try {
          const started = Date.now()
          const outcome = await services.surveys.importRespondents(
            SYSTEM_CALLER,
            options.survey,
            options.wave,
            { filename, source: stream },
            {
              onProgress: (done) => {
                rows = done
              },
              anyNumberOfRows: true,
            },
          )
          bar.update(size, { rows: outcome.respondents, mb: mb(size) })
          bar.stop()
          const seconds = Math.max((Date.now() - started) / 1000, 0.001)
          console.log(
            `Imported ${outcome.respondents} respondents into wave ${options.wave} ` +
              `(${Math.round(outcome.respondents / seconds)} a second).`,
          )
        } catch (error) {
          bar.stop()
          printProblems(error)
          throw error
        }
      })
    })

  return surveys
}
