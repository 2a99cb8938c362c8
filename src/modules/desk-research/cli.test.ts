import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { openDatabase } from '../../db/connection.js'
import { migrateDatabase } from '../../db/migrate.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { createServices } from '../../services.js'

describe('probity research', () => {
  // Already migrated, like the other commands' folders (migrating an empty one is tested in src/cli.test.ts).
  let cli: CliFolder
  beforeAll(() => {
    cli = new CliFolder('research-cli')
  })
  afterAll(() => cli.remove())
  const probity = (args: string[]) => cli.probity(args)

  it('creates an exercise, generates a corpus and imports it with a progress bar; a bad file writes nothing', async () => {
    const created = await probity([
      'research',
      'create',
      '--code',
      'sm-2012',
      '--name',
      'Social media 2012',
      '--from',
      '2011-09-01',
      '--to',
      '2012-03-31',
      '--retain-until',
      '2099-12-31',
    ])
    expect(created.stderr).toBe('')
    expect(created.stdout).toContain('Created the exercise sm-2012, kept until 2099-12-31.')

    const corpus = path.join(cli.folder, 'corpus.csv')
    const generated = await probity(['research', 'generate', '--posts', '5000', '--out', corpus])
    expect(generated.code).toBe(0)

    const bad = path.join(cli.folder, 'bad.csv')
    fs.writeFileSync(bad, `${fs.readFileSync(corpus, 'utf8')}twitter,@late,,,x1,2013-01-01,late post,\n`)
    const refused = await probity(['research', 'import', bad, '--exercise', 'sm-2012'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('line 5002: the post is dated 2013-01-01, outside the exercise’s period')
    expect(refused.stderr).toContain('probity: 1 bad row in the file: nothing was imported')

    const imported = await probity(['research', 'import', corpus, '--exercise', 'sm-2012'])
    expect(imported.stderr).toContain('Importing [')
    expect(imported.stderr).toContain('100% | 5000 posts')
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(
      /Imported 5000 posts of 100 profiles \(100 new, \d+ awaiting attribution\); \d+ flagged/,
    )

    const early = await probity(['research', 'purge', '--exercise', 'sm-2012'])
    expect(early.code).toBe(1)
    expect(early.stderr).toContain('sm-2012 is kept until 2099-12-31')

    const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
    try {
      await migrateDatabase(database)
      const { summary } = await createServices(database.db).deskResearch.summary(SYSTEM_CALLER, 'sm-2012')
      expect(summary.profilesReviewed).toBe(100)
      expect(summary.postsScreened).toBe(5000)
    } finally {
      await database.close()
    }
  }, 180_000)
})
