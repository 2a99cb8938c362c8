import path from 'node:path'
import { expect, it } from 'vitest'
import { repoRoot, run } from './support/processes.js'

const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs')
const childConfig = (name: string) => path.join(repoRoot, 'test', 'children', name, 'vitest.config.ts')
const quietly = { FORCE_COLOR: '0', NO_COLOR: '1' }

it('stops a test file whose worker is blocked, names the file and the test, and fails the run', async () => {
  const { code, stdout, stderr } = await run(vitest, ['run', '--config', childConfig('blocked-worker')], {
    PROBITY_TEST_STUCK_SECONDS: '4',
    ...quietly,
  })
  const output = stdout + stderr
  expect(code, output).not.toBe(0)
  // The line CI reads counts the stopped file as failed, not as skipped.
  expect(output).toContain('0 passed, 1 failed, 0 skipped')
  expect(output).toMatch(
    /test\/children\/blocked-worker\/blocks\.check\.ts has run for [\d.]+ minutes, far past every time limit: its worker is blocked, in the test "holds its worker in a loop that never yields"\. Stopping process \d+\./,
  )
}, 90_000)

it('names the file and the test whose worker died, which Vitest itself does not, and each error no test caught', async () => {
  const { code, stdout, stderr } = await run(
    vitest,
    ['run', '--config', childConfig('dying-worker')],
    quietly,
  )
  const output = stdout + stderr
  expect(code, output).not.toBe(0)
  expect(output).toContain('Worker exited unexpectedly')
  expect(output).toContain(
    '2 passed, 2 failed, 0 skipped\nfailed: test/children/dying-worker/dies.check.ts\n',
  )
  expect(output).toContain(
    'failed: an error outside any test, Error: an error thrown after its test had passed\n',
  )
  expect(output).toMatch(
    /test\/children\/dying-worker\/dies\.check\.ts did not finish: its worker, process \d+, ended in the test "ends its own worker, as a crash in native code would", at: about to be killed\./,
  )
}, 90_000)
