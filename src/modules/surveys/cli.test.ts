import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { openDatabase } from '../../db/connection.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { createServices } from '../../services.js'
import { SMALL_SURVEY, WAVE_1 } from './test-support.js'

let cli: CliFolder
beforeAll(() => {
  cli = new CliFolder('surveys-cli')
})
afterAll(() => cli.remove())

describe('probity surveys', { timeout: 180_000 }, () => {
  it('defines a survey, imports a wave with a progress bar, and on a bad file prints every bad line and writes nothing', async () => {
    const defined = await cli.probity([
      'surveys',
      'define',
      cli.writeFile('small.json', JSON.stringify(SMALL_SURVEY)),
    ])
    expect(defined.stderr).toBe('')
    expect(defined.stdout).toContain('Saved the survey small.')
    const imported = await cli.probity([
      'surveys',
      'import',
      cli.writeFile('w1.csv', WAVE_1),
      '--survey',
      'small',
      '--wave',
      'w1',
    ])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('Imported 9 respondents into wave w1')
    expect(imported.stderr).toContain('Importing [')
    const bad = await cli.probity([
      'surveys',
      'import',
      cli.writeFile('bad.csv', 'stratum,weight,q_problem\ncheshire,1,yes\ncheshire,x,yes\nmars,1,no\n'),
      '--survey',
      'small',
      '--wave',
      'w1',
    ])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('line 3: weight: must be a number greater than 0')
    expect(bad.stderr).toContain('line 4: stratum: "mars" is not a known stratum')
    const unknownWave = await cli.probity([
      'surveys',
      'import',
      cli.writeFile('w.csv', WAVE_1),
      '--survey',
      'small',
      '--wave',
      'w9',
    ])
    expect(unknownWave.code).not.toBe(0)
    expect(unknownWave.stderr).toContain('This survey has no wave with that code')
    const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
    try {
      const { waves } = await createServices(database.db).surveys.find(SYSTEM_CALLER, 'small')
      expect(waves[0]?.respondents).toBe(9)
    } finally {
      await database.close()
    }
  })
})
