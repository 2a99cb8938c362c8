import fs from 'node:fs'
import path from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { ValidationError } from '../../domain/errors.js'
import { checkPressReleaseFacts, type PressReleaseFacts } from '../../domain/press-release-facts.js'
import { documentText, UnreadableDocumentError } from './document-text.js'
import { type ExtractedPressRelease, extractPressRelease } from './extractor.js'
import { shippedForces, shippedHmiHonours } from './forces.js'
import {
  defaultPressReleaseTemplate,
  PRESS_RELEASE_FORMATS,
  type PressReleaseFormat,
  renderPressRelease,
} from './renderer.js'

/** A problem with what the person gave the command: printed as one line, exit code 1. */
function problem(message: string): ValidationError {
  return new ValidationError({ input: message })
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : String(code)
    throw problem(`cannot read the ${what} ${file}: ${reason}`)
  }
}

/** Reads a facts file and checks it: every problem on one line naming the file. */
export function readFactsFile(file: string): PressReleaseFacts {
  const text = readText(file, 'facts file')
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (error) {
    throw problem(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  const checked = checkPressReleaseFacts(input, shippedForces())
  if (!checked.success) {
    throw problem(`${file}: ${checked.problems.map((entry) => entry.message).join('; ')}`)
  }
  return checked.facts
}

/** Paragraphs of a text file (blank lines between them). */
function paragraphs(file: string | undefined, what: string): string[] {
  if (!file) return []
  return readText(file, what)
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
}

interface RenderOptions {
  facts: string
  format: PressReleaseFormat
  template?: string
  findings?: string
  quote?: string
  reportUrl?: string
}

/** `probity render …`: documents written from facts, without a database. */
export function renderCommand(): Command {
  const render = new Command('render').description('Write documents from facts (no database needed)')
  render
    .command('press-release')
    .description("Print a force's press release for facts in the press release JSON shape")
    .requiredOption(
      '--facts <file>',
      'the facts, as JSON (the shape `probity extract press-release --json` prints)',
    )
    .addOption(
      new Option('--format <format>', 'the output format').choices(PRESS_RELEASE_FORMATS).default('markdown'),
    )
    .option('--template <file>', 'a Nunjucks template to use instead of the default one')
    .option('--findings <file>', "the inspectors' own findings, one paragraph each (blank lines between)")
    .option(
      '--quote <file>',
      "the inspector's quote, one paragraph each (blank lines between); by default built from the facts",
    )
    .option('--report-url <url>', "where the force's report is published")
    .action((options: RenderOptions) => {
      const facts = readFactsFile(options.facts)
      const force = shippedForces().find((entry) => entry.code === facts.forceCode)
      if (!force) throw problem(`forceCode "${facts.forceCode}" is not a force in the reference list`)
      const template = options.template
        ? readText(options.template, 'template')
        : defaultPressReleaseTemplate()
      process.stdout.write(
        renderPressRelease(
          template,
          {
            facts,
            force,
            findings: paragraphs(options.findings, 'findings file'),
            hmiHonours: shippedHmiHonours(facts),
            quote: options.quote ? paragraphs(options.quote, 'quote file') : undefined,
            reportUrl: options.reportUrl ?? null,
          },
          options.format,
        ),
      )
    })
  return render
}

type Extracted = { file: string } & ExtractedPressRelease

/** Reads one file's facts, or says in one line why it cannot. */
async function extractFile(file: string): Promise<Extracted> {
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw problem(`${file}: cannot read it: ${code === 'ENOENT' ? 'there is no such file' : code}`)
  }
  let text: string
  try {
    ;({ text } = await documentText(path.basename(file), bytes))
  } catch (error) {
    if (error instanceof UnreadableDocumentError)
      throw problem(`${file}: this is not a press release: ${error.message}.`)
    throw error
  }
  try {
    return { file, ...extractPressRelease(text, shippedForces()) }
  } catch (error) {
    if (error instanceof ValidationError) throw problem(`${file}: ${error.message}`)
    throw error
  }
}

const yesNo = (value: boolean | null | undefined) =>
  value === null || value === undefined ? null : value ? 'yes' : 'no'

function readableDay(iso: string | null): string | null {
  if (!iso) return null
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T00:00:00Z`))
}

/** A readable summary of what a document states. */
function summary(result: Extracted): string {
  const facts = result.facts
  const media = facts.mediaDisclosureInvestigations
  const jobs = facts.secondJobApplications
  const change = facts.antiCorruptionUnitStaffChange
  const period = facts.period
  const rows: [string, string | null][] = [
    ['Force', `${facts.force} (${facts.forceCode})`],
    ['Headline judgement', facts.headline],
    ['HM Inspector', facts.hmi],
    ['Region or team', facts.hmiRegion],
    [
      'Data period',
      period
        ? `${readableDay(period.from) ?? 'not stated'} to ${readableDay(period.to) ?? 'not stated'}`
        : null,
    ],
    ['Integrity health check', yesNo(facts.integrityHealthCheck)],
    ['Counter-corruption plan', yesNo(facts.counterCorruptionPlan)],
    ['Policies reviewed', yesNo(facts.policiesReviewed)],
    ['Staff told of policy changes', yesNo(facts.staffToldOfPolicyChanges)],
    ['Media policy in line with guidance', yesNo(facts.mediaPolicyInLineWithGuidance)],
    ['Information security checks', yesNo(facts.informationSecurityChecks)],
    ['Social media policy', yesNo(facts.socialMediaPolicy)],
    [
      'Media disclosure investigations',
      media ? `${media.total}, ${media.continuing ?? 'not stated how many'} continuing` : null,
    ],
    ['Social media cases referred', facts.socialMediaCasesReferred?.toString() ?? null],
    [
      'Second-job applications',
      jobs ? `${jobs.applications}, ${jobs.approved ?? 'not stated how many'} approved` : null,
    ],
    [
      'Anti-corruption unit staff change',
      change === null ? null : change === 0 ? 'no change' : change > 0 ? `+${change}` : String(change),
    ],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  const lines = [result.file]
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value ?? 'not stated'}`)
  if (result.uninterpreted.length) {
    lines.push(`  Sentences not interpreted (${result.uninterpreted.length}):`)
    for (const sentence of result.uninterpreted) lines.push(`    - ${sentence}`)
  } else {
    lines.push('  Every sentence about the facts was interpreted.')
  }
  return lines.join('\n')
}

/** `probity extract …`: facts read from documents, without a database. */
export function extractCommand(): Command {
  const extract = new Command('extract').description('Read facts from documents (no database needed)')
  extract
    .command('press-release')
    .description(
      'Print the facts each press release states (text, Markdown, HTML, PDF or Word). ' +
        'Exit code 1 when a file cannot be read as a press release.',
    )
    .argument('<files...>', 'the press releases')
    .option(
      '--json',
      'print the facts as JSON (one object for one file, an array for several; ' +
        'sentences not interpreted go to standard error)',
    )
    .option(
      '--details',
      'with --json: print each file with its facts, source sentences and sentences not interpreted',
    )
    .action(async (files: string[], options: { json?: boolean; details?: boolean }) => {
      if (options.details && !options.json) throw new InvalidArgumentError('--details needs --json')
      const results: Extracted[] = []
      const failures: string[] = []
      for (const file of files) {
        try {
          results.push(await extractFile(file))
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          failures.push(error.message)
        }
      }
      for (const failure of failures) console.error(`probity: ${failure}`)
      if (options.json) {
        // All or nothing: JSON that a script imports never leaves a file out silently.
        if (failures.length === 0) {
          const items = results.map((result) =>
            options.details
              ? {
                  file: result.file,
                  facts: result.facts,
                  sources: result.sources,
                  uninterpreted: result.uninterpreted,
                }
              : result.facts,
          )
          console.log(JSON.stringify(items.length === 1 ? items[0] : items, null, 2))
          if (!options.details) {
            for (const result of results) {
              for (const sentence of result.uninterpreted) {
                console.error(`note: ${path.basename(result.file)}: not interpreted: ${sentence}`)
              }
            }
          }
        }
      } else if (results.length) {
        console.log(results.map(summary).join('\n\n'))
      }
      if (failures.length) process.exitCode = 1
    })
  return extract
}
