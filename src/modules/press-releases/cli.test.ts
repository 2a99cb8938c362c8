import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { runProbity } from '../../../test/support/cli-runner.js'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'

const fixtureNames = fs
  .readdirSync(PRESS_RELEASE_FIXTURES)
  .filter((name) => name.endsWith('.txt'))
  .map((name) => name.slice(0, -'.txt'.length))
const fixture = (file: string) => path.join(PRESS_RELEASE_FIXTURES, file)
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-press-'))
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }))
function tempFile(name: string, content: string | Uint8Array): string {
  const file = path.join(folder, name)
  fs.writeFileSync(file, content)
  return file
}

// Each test starts the real command a few times: on a busy machine that takes a while.
vi.setConfig({ testTimeout: 240_000 })

// No database: these commands must not need one, so none is configured.
const env = { DATABASE_URL: '', PROBITY_DATA_DIR: path.join(folder, 'no-database-here') }

describe('probity extract press-release', () => {
  it('prints exactly the facts of one press release with --json', async () => {
    const name = fixtureNames[0] as string
    const result = await runProbity(['extract', 'press-release', fixture(`${name}.txt`), '--json'], { env })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(fs.readFileSync(fixture(`${name}.json`), 'utf8')))
    expect(result.stdout.trim()).toBe(
      JSON.stringify(JSON.parse(fs.readFileSync(fixture(`${name}.json`), 'utf8')), null, 2),
    )
    expect(fs.existsSync(env.PROBITY_DATA_DIR)).toBe(false)
  })

  it('prints an array for several files, and details with --details', async () => {
    const files = fixtureNames.map((name) => fixture(`${name}.txt`))
    const result = await runProbity(['extract', 'press-release', ...files, '--json'], { env })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(
      fixtureNames.map((name) => JSON.parse(fs.readFileSync(fixture(`${name}.json`), 'utf8'))),
    )
    const details = await runProbity(
      ['extract', 'press-release', files[0] as string, '--json', '--details'],
      { env },
    )
    const parsed = JSON.parse(details.stdout)
    expect(parsed).toMatchObject({ file: files[0], uninterpreted: [] })
    expect(parsed.sources.headline[0].text).toMatch(/has made/)
  })

  it('prints a readable summary without --json, with the sentences it could not read', async () => {
    const file = tempFile(
      'variant.txt',
      [
        'Durham Constabulary has made good progress in managing integrity issues',
        '',
        '- The force did not investigate any instances of inappropriate disclosure to the media.',
        '- Applications for second jobs rose to about 90, most of them approved.',
      ].join('\n'),
    )
    const result = await runProbity(['extract', 'press-release', file], { env })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Durham Constabulary (durham)')
    expect(result.stdout).toMatch(/Headline judgement\s+good progress/)
    expect(result.stdout).toMatch(/Media disclosure investigations\s+0, 0 continuing/)
    expect(result.stdout).toMatch(/Second-job applications\s+not stated/)
    expect(result.stdout).toContain(
      'Sentences not interpreted (1):\n    - Applications for second jobs rose to about 90',
    )
  })

  it('refuses an empty file, binary bytes and another kind of document with one line each and exit code 1', async () => {
    const empty = tempFile('empty.txt', '')
    const binary = tempFile(
      'binary.bin',
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]),
    )
    const other = tempFile(
      'other.txt',
      'Minutes of the allotment society meeting.\n\nThe society agreed to buy a shed.',
    )
    const good = fixture(`${fixtureNames[0]}.txt`)
    const missing = path.join(folder, 'nope.txt')
    const result = await runProbity(
      ['extract', 'press-release', good, empty, binary, other, missing, '--json'],
      { env },
    )
    expect(result.code).toBe(1)
    // Nothing is printed for the good file either: a script importing the JSON gets all or nothing.
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual([
      `probity: ${empty}: this is not a press release: the file is empty.`,
      `probity: ${binary}: this is not a press release: it is a binary file, not text.`,
      `probity: ${other}: This does not look like a force press release: it names no force of the reference list.`,
      `probity: ${missing}: cannot read it: there is no such file`,
    ])
  })
})

describe('probity render press-release', () => {
  it('prints a press release for the facts that extracts back to them, in each format', async () => {
    const name = fixtureNames[0] as string
    const facts = JSON.parse(fs.readFileSync(fixture(`${name}.json`), 'utf8'))
    const rendered: string[] = []
    for (const format of ['text', 'markdown', 'html']) {
      const result = await runProbity(
        ['render', 'press-release', '--facts', fixture(`${name}.json`), '--format', format],
        { env },
      )
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(result.stdout).toContain(facts.force)
      rendered.push(tempFile(`rendered.${format}`, result.stdout))
    }
    expect(fs.readFileSync(rendered[2] as string, 'utf8')).toMatch(/^<h1 class="govuk-heading-l">/)
    // The HMI's honours come from the shipped reference data.
    expect(fs.readFileSync(rendered[0] as string, 'utf8')).toContain(`${facts.hmi} QPM, HM Inspector`)
    const back = await runProbity(['extract', 'press-release', ...rendered, '--json'], { env })
    expect(JSON.parse(back.stdout)).toEqual([facts, facts, facts])
  })

  it('renders for any force of the reference list, with findings, a quote and another template', async () => {
    const facts = tempFile(
      'met.json',
      JSON.stringify({
        force: 'Metropolitan Police Service',
        forceCode: 'metropolitan',
        headline: 'limited progress',
        hmi: 'Zoë Billingham',
        hmiRegion: 'London Region',
        period: { from: '2011-09-01', to: '2012-05-31' },
        integrityHealthCheck: false,
        mediaDisclosureInvestigations: { total: 31, continuing: 9 },
        socialMediaCasesReferred: 12,
        secondJobApplications: { applications: 1204, approved: 1100 },
        antiCorruptionUnitStaffChange: -4,
      }),
    )
    const findings = tempFile(
      'findings.txt',
      'The force has a new vetting policy.\n\nStaff know *less* than they should.',
    )
    const quote = tempFile('quote.txt', 'The force must act.\n\nWe will return.')
    const result = await runProbity(
      [
        'render',
        'press-release',
        '--facts',
        facts,
        '--format',
        'text',
        '--findings',
        findings,
        '--quote',
        quote,
        '--report-url',
        'https://example.org/met',
      ],
      { env },
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^The Metropolitan Police Service has made limited progress/)
    expect(result.stdout).toContain('- Staff know *less* than they should.')
    // An HMI the reference does not record for the force gets no honours.
    expect(result.stdout).not.toContain('Billingham QPM')
    expect(result.stdout).toContain(
      'Zoë Billingham, HM Inspector of Constabulary for the London Region, said:',
    )
    expect(result.stdout).toContain('“The force must act.\n\n“We will return.”')
    expect(result.stdout).toContain('1,204 applications')
    expect(result.stdout).toContain('reduced by four members of staff')
    expect(result.stdout).toContain('https://example.org/met')

    const template = tempFile(
      'short.njk',
      '{{ force.subject }}: {{ facts.socialMediaCasesReferred | count("case") }}.',
    )
    const custom = await runProbity(['render', 'press-release', '--facts', facts, '--template', template], {
      env,
    })
    expect(custom.stdout).toBe('The Metropolitan Police Service: 12 cases.\n')
  })

  it('refuses a bad facts file with one clear line and exit code 1', async () => {
    const cases: [string, string][] = [
      ['not json', 'is not valid JSON'],
      [
        JSON.stringify({
          ...JSON.parse(fs.readFileSync(fixture(`${fixtureNames[0]}.json`), 'utf8')),
          forceCode: 'atlantis',
        }),
        'forceCode "atlantis" is not a force in the reference list',
      ],
      [
        JSON.stringify({
          ...JSON.parse(fs.readFileSync(fixture(`${fixtureNames[0]}.json`), 'utf8')),
          secondJobApplications: { applications: 3, approved: 5 },
        }),
        'secondJobApplications: 5 approved is more than the 3 applications',
      ],
    ]
    for (const [content, message] of cases) {
      const file = tempFile('bad.json', content)
      const result = await runProbity(['render', 'press-release', '--facts', file], { env })
      expect(result.code, content).toBe(1)
      expect(result.stdout).toBe('')
      const lines = result.stderr.trim().split('\n')
      expect(lines, content).toHaveLength(1)
      expect(lines[0]).toMatch(new RegExp(`^probity: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`))
      expect(lines[0]).toContain(message)
    }
    const template = tempFile('broken.njk', '{% if %}')
    const broken = await runProbity(
      ['render', 'press-release', '--facts', fixture(`${fixtureNames[0]}.json`), '--template', template],
      { env },
    )
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(/^probity: The press release template has an error: /)
  })
})
