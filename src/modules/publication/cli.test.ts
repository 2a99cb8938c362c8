import fs, { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { buildTwoForces } from '../../../test/support/two-forces.js'
import { openDatabase } from '../../db/connection.js'
import { createServices } from '../../services.js'
import { CHROMIUM_PATH } from './pdf.js'

/** `probity publish` run as the real command over a data folder holding the two-forces inspection. */

const chromium = existsSync(CHROMIUM_PATH)
if (!chromium && process.env.PROBITY_E2E !== 'required')
  console.warn(`Skipping the PDF part of the publish command's test: ${CHROMIUM_PATH} is missing`)

// An already migrated folder, like the other commands' (migrating an empty one is tested in src/cli.test.ts).
let cli: CliFolder

beforeAll(async () => {
  cli = new CliFolder('publish-cli')
  const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
  try {
    await buildTwoForces(createServices(database.db))
  } finally {
    await database.close()
  }
}, 120_000)
afterAll(() => cli.remove())

const probity = (args: string[]) => cli.probity(args)

describe('probity publish', () => {
  it('refuses an inspection that does not exist', async () => {
    const result = await probity([
      'publish',
      '--inspection',
      'no-such-inspection',
      '--out',
      path.join(cli.folder, 'x'),
      '--no-pdf',
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('No inspection no-such-inspection')
  })

  it('writes every force’s press release and report, the national review and the open data', {
    timeout: 180_000,
  }, async () => {
    const out = path.join(cli.folder, 'out')
    const result = await probity([
      'publish',
      '--inspection',
      'two-forces-2012',
      '--out',
      out,
      ...(chromium ? [] : ['--no-pdf']),
    ])
    expect(result.stderr).not.toContain('failed')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Wrote \d+ files for 2 forces and the national review of two-forces-2012/)
    for (const code of ['cheshire', 'cleveland']) {
      const markdown = fs.readFileSync(path.join(out, code, `${code}-press-release-v1.md`), 'utf8')
      expect(markdown).toMatch(/^# /)
      const text = fs.readFileSync(path.join(out, code, `${code}-press-release-v1.txt`), 'utf8')
      expect(text).not.toContain('## ')
      const html = fs.readFileSync(path.join(out, code, `${code}-force-report-v1.html`), 'utf8')
      expect(html).toContain('<!DOCTYPE html>')
      expect(html).toMatch(/SHA-256 of the Markdown: <code>[0-9a-f]{64}<\/code>/)
      if (chromium)
        expect(
          fs
            .readFileSync(path.join(out, code, `${code}-force-report-v1.pdf`))
            .subarray(0, 5)
            .toString(),
        ).toBe('%PDF-')
    }
    expect(fs.readFileSync(path.join(out, 'national', 'national-national-review-v1.html'), 'utf8')).toContain(
      '<svg',
    )
    if (chromium)
      expect(fs.existsSync(path.join(out, 'national', 'national-national-review-v1.pdf'))).toBe(true)
    expect(fs.readFileSync(path.join(out, 'data-dictionary.csv'), 'utf8')).toContain(
      'item_code,label,definition,unit',
    )
    expect(fs.readFileSync(path.join(out, 'open-data.csv'), 'utf8')).toContain('force_code,force_name')
    expect(
      JSON.parse(fs.readFileSync(path.join(out, 'open-data.json'), 'utf8')).dictionary.length,
    ).toBeGreaterThan(5)
  })
})
