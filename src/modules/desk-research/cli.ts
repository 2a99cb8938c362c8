import fs from 'node:fs'
import path from 'node:path'
import cliProgress from 'cli-progress'
import { Command, InvalidArgumentError } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { withServices } from '../../services.js'
import { generateCorpusFile } from './generate.js'
import { ImportRejectedError } from './import.js'
import { formatOf } from './reading.js'

function readJsonFile(file: string, label: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ValidationError({ [label]: `cannot read ${file} as JSON: ${(error as Error).message}` })
  }
}

function wholeNumber(value: string): number {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError('Give a whole number, 1 or more.')
  return parsed
}

/** `probity research …`: the inspectorate's desk research of staff's public social media. */
export function researchCommand(): Command {
  const research = new Command('research').description(
    'Desk research of public social-media profiles of police staff: exercises, imports, purges',
  )

  research
    .command('create')
    .description('Create a research exercise')
    .requiredOption('--code <code>', 'a short code, e.g. social-media-2012')
    .requiredOption('--name <name>', 'its name')
    .requiredOption('--from <date>', 'start of the period, e.g. 2011-09-01')
    .requiredOption('--to <date>', 'end of the period')
    .requiredOption('--retain-until <date>', 'the date until which the personal data is kept')
    .option('--threshold <score>', 'the score at which a post is flagged (default 3)')
    .option('--categories <file>', 'a JSON file of categories: [{ code, label, terms: [{ term, weight }] }]')
    .option('--aliases <file>', 'a JSON file of extra force aliases: [{ alias, force }]')
    .action(async (options: Record<string, string | undefined>) => {
      const config = {
        categories: options.categories ? readJsonFile(options.categories, 'categories') : undefined,
        aliases: options.aliases ? readJsonFile(options.aliases, 'aliases') : undefined,
      }
      await withServices(loadConfig().database, async (services) => {
        const created = await services.deskResearch.create(
          SYSTEM_CALLER,
          {
            code: options.code,
            name: options.name,
            periodFrom: options.from,
            periodTo: options.to,
            retainUntil: options.retainUntil,
            threshold: options.threshold,
          },
          config,
        )
        console.log(`Created the exercise ${created.code}, kept until ${created.retainUntil}.`)
      })
    })

  research
    .command('import')
    .description(
      'Import an export of profiles and posts (CSV or JSON lines: platform, profile_handle, display_name, ' +
        'profile_text, post_id, date, text, url), screening each post. Any bad row and nothing is written.',
    )
    .argument('<file>', 'the .csv or .jsonl file')
    .requiredOption('--exercise <code>', 'the exercise it belongs to')
    .action(async (file: string, options: { exercise: string }) => {
      const format = formatOf(file)
      if (!format) throw new ValidationError({ file: `${file} is neither .csv nor .jsonl` })
      let size: number
      try {
        size = fs.statSync(file).size
      } catch (error) {
        throw new ValidationError({ file: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}` })
      }
      await withServices(loadConfig().database, async (services) => {
        const bar = new cliProgress.SingleBar(
          {
            format: 'Importing [{bar}] {percentage}% | {rows} posts | {mb}/{totalMb} MB',
            stream: process.stderr,
            hideCursor: true,
            // Piped to a log, a line every five seconds shows it is still going.
            noTTYOutput: true,
            notTTYSchedule: 5000,
          },
          cliProgress.Presets.shades_classic,
        )
        const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 })
        let bytes = 0
        let rows = 0
        const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
        bar.start(size, 0, { rows: 0, mb: mb(0), totalMb: mb(size) })
        stream.on('data', (chunk) => {
          bytes += chunk.length
          bar.update(bytes, { rows, mb: mb(bytes) })
        })
        try {
          const started = Date.now()
          const outcome = await services.deskResearch.importPosts(
            SYSTEM_CALLER,
            options.exercise,
            { stream, format, filename: path.basename(file) },
            {
              onProgress: (done) => {
                rows = done
              },
            },
          )
          bar.update(size, { rows: outcome.rows, mb: mb(size) })
          bar.stop()
          const seconds = (Date.now() - started) / 1000
          console.log(
            `Imported ${outcome.rows} posts of ${outcome.profiles} profiles (${outcome.newProfiles} new, ` +
              `${outcome.queued} awaiting attribution); ${outcome.flagged} flagged for review. ` +
              `${Math.round(outcome.rows / seconds)} posts a second.`,
          )
        } catch (error) {
          bar.stop()
          if (error instanceof ImportRejectedError) {
            for (const problem of error.problems) console.error(`line ${problem.line}: ${problem.reason}`)
            if (error.problemCount > error.problems.length)
              console.error(`… and ${error.problemCount - error.problems.length} more`)
          }
          throw error
        }
      })
    })

  research
    .command('generate')
    .description('Write a synthetic export for tests and benchmarks')
    .requiredOption('--posts <n>', 'how many posts', wholeNumber)
    .requiredOption('--out <file>', 'the file to write (.csv or .jsonl)')
    .option('--seed <n>', 'random seed', wholeNumber)
    .action(async (options: { posts: number; out: string; seed?: number }) => {
      const format = formatOf(options.out)
      if (!format) throw new ValidationError({ out: `${options.out} must end .csv or .jsonl` })
      await generateCorpusFile(options.out, { posts: options.posts, format, seed: options.seed })
      console.log(`Wrote ${options.posts} posts to ${options.out}.`)
    })

  research
    .command('purge')
    .description(
      'Delete the profiles and posts of exercises past their retention date, keeping the summary figures ' +
        'and the referrals made',
    )
    .option('--exercise <code>', 'only this exercise (refused if it is not yet past its retention date)')
    .action(async (options: { exercise?: string }) => {
      await withServices(loadConfig().database, async (services) => {
        const purged = await services.deskResearch.purge(SYSTEM_CALLER, { code: options.exercise })
        if (!purged.length) console.log('No exercise is past its retention date.')
        for (const result of purged)
          console.log(`Purged ${result.code}: ${result.profiles} profiles and ${result.posts} posts deleted.`)
      })
    })

  return research
}
