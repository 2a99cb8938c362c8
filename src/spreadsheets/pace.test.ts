import { describe, expect, it } from 'vitest'
import { pacer, TURN_MILLISECONDS } from './pace.js'

/** The pacer on a clock the test moves: it lets the event loop turn once its work has held it long enough. */
describe('pacer', () => {
  it('lets the loop turn only after a turn’s worth of work, then starts counting again', async () => {
    let now = 1_000
    const pace = pacer(TURN_MILLISECONDS, () => now)
    now += TURN_MILLISECONDS - 1
    expect(pace()).toBeUndefined()

    now += 1
    let otherWorkRan = false
    setImmediate(() => {
      otherWorkRan = true
    })
    const turn = pace()
    expect(turn).toBeInstanceOf(Promise)
    await turn
    // What was waiting on the loop (another request, /healthz) ran during the pause.
    expect(otherWorkRan).toBe(true)
    expect(pace()).toBeUndefined()
    now += TURN_MILLISECONDS
    expect(pace()).toBeInstanceOf(Promise)
  })

  it('counts one turn for every pacer on the clock: a loop inside another gets no turn of its own', async () => {
    let now = 1_000
    const clock = () => now
    const rows = pacer(TURN_MILLISECONDS, clock)
    now += TURN_MILLISECONDS / 2
    // A loop started half-way through the turn (each row's check, inside the loop over the rows).
    const checks = pacer(TURN_MILLISECONDS, clock)
    expect(rows()).toBeUndefined()
    expect(checks()).toBeUndefined()

    now += TURN_MILLISECONDS / 2
    const turn = checks()
    expect(turn).toBeInstanceOf(Promise)
    // Both wait for the same turn, so they let the loop turn at once, together.
    expect(rows()).toBe(turn)
    await turn
    expect(rows()).toBeUndefined()
    expect(checks()).toBeUndefined()
  })
})
