import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'

let cli: CliFolder
beforeAll(() => {
  cli = new CliFolder('national-cli')
})
afterAll(() => cli.remove())
const probity = (args: string[]) => cli.probity(args)

describe('probity seed --national', () => {
  it('adds a small national dataset, prints its counts and password, and refuses to add it twice', async () => {
    const result = await probity(['seed', '--national', '--scale', '0.01', '--years', '1'])
    expect(result.stderr).not.toContain('failed')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'Added the national dataset (seed 2012, 1 years from 2011-09-01 to 2012-08-31',
    )
    expect(result.stdout).toMatch(/staff_members\s+[\d,]+/)
    expect(result.stdout).toMatch(/business_interests\s+[\d,]+/)
    expect(result.stdout).toContain('probity-national-2012')
    expect(result.stdout).toContain('Inspection national-2012')

    const again = await probity(['seed', '--national', '--scale', '0.01', '--years', '1'])
    expect(again.code).toBe(1)
    expect(again.stderr.trim()).toBe(
      'probity: The national dataset is already in this database: nothing was added',
    )
  }, 240_000)

  it('says plainly what is wrong with its options, before touching any database', async () => {
    const cases: [string[], string][] = [
      [['--national', '--years', '0'], 'probity: --years must be a whole number from 1 to 20'],
      [['--national', '--years', '21'], 'probity: --years must be a whole number from 1 to 20'],
      [
        ['--national', '--scale', '2'],
        'probity: --scale must be a number more than 0 and at most 1, like 0.01',
      ],
      [
        ['--national', '--scale', '0'],
        'probity: --scale must be a number more than 0 and at most 1, like 0.01',
      ],
      [['--national', '--seed', 'abc'], 'probity: --seed must be a whole number'],
      [['--demo', '--national'], 'probity: Give either --demo or --national, not both'],
      [[], 'probity: Say which dataset to add: --demo or --national'],
      [['--demo', '--years', '2'], 'probity: --years, --seed and --scale go with --national only'],
    ]
    const results = await Promise.all(cases.map(([args]) => probity(['seed', ...args])))
    for (const [index, [args, message]] of cases.entries()) {
      const result = results[index] as Awaited<ReturnType<typeof probity>>
      expect(result.code, args.join(' ')).toBe(1)
      expect(result.stderr.trim(), args.join(' ')).toBe(message)
    }
  }, 180_000)

  // `seed --demo` alone, beside these options, is src/modules/identity/cli.test.ts's subject.
})
