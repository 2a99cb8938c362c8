import path from 'node:path'
import { expect, it } from 'vitest'
import { repoRoot, run } from './support/processes.js'

const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs')
const config = path.join(repoRoot, 'test', 'children', 'blocked-worker', 'vitest.config.ts')

it('stops a test file whose worker is blocked, names the file and the test, and fails the run', async () => {
  const { code, stdout, stderr } = await run(vitest, ['run', '--config', config], {
    PROBITY_TEST_STUCK_SECONDS: '4',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  })
  const output = stdout + stderr
  expect(code, output).not.toBe(0)
  // The line CI reads counts the stopped file as failed, not as skipped.
  expect(output).toContain('0 passed, 1 failed, 0 skipped')
  expect(output).toMatch(
    /test\/children\/blocked-worker\/blocks\.check\.ts has run for [\d.]+ minutes, far past every time limit: its worker is blocked, in the test "holds its worker in a loop that never yields"\. Stopping process \d+\./,
  )
}, 90_000)
