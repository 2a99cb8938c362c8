import { expect, it } from 'vitest'
import { recordStep } from '../../support/stuck-files.js'

it('passes before its worker dies', () => {
  expect(1 + 1).toBe(2)
})

it('ends its own worker, as a crash in native code would', () => {
  recordStep('about to be killed')
  process.kill(process.pid, 'SIGKILL')
})
