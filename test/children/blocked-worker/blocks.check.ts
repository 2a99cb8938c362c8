import { expect, it } from 'vitest'

it('holds its worker in a loop that never yields', () => {
  // A minute, so that a watchdog that fails to stop it leaves the run to end by itself.
  const until = Date.now() + 60_000
  let spins = 0
  while (Date.now() < until) spins++
  expect(spins).toBeGreaterThan(0)
})
