import { expect, it } from 'vitest'

it('passes, and leaves behind an error that no test catches', () => {
  setTimeout(() => {
    throw new Error('an error thrown after its test had passed')
  })
  expect(1 + 1).toBe(2)
})

it('waits for that error', () => new Promise((resolve) => setTimeout(resolve, 50)))
