import { spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { expect, it } from 'vitest'
import { repoRoot } from './support/processes.js'

const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs')
const config = path.join(repoRoot, 'test', 'children', 'blocked-worker', 'vitest.config.ts')

it('stops a test file whose worker is blocked, names the file and the test, and fails the run', async () => {
  const child = spawn(process.execPath, [vitest, 'run', '--config', config], {
    cwd: repoRoot,
    env: { ...process.env, PROBITY_TEST_STUCK_SECONDS: '4', FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const [code] = await once(child, 'exit')
  expect(code, output).not.toBe(0)
  // The line CI reads counts the stopped file as failed, not as skipped.
  expect(output).toContain('0 passed, 1 failed, 0 skipped')
  expect(output).toMatch(
    /test\/children\/blocked-worker\/blocks\.check\.ts has run for [\d.]+ minutes, far past every time limit: its worker is blocked, in the test "holds its worker in a loop that never yields"\. Stopping process \d+\./,
  )
}, 90_000)
