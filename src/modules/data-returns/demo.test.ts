import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from '../../../test/support/demo-app.js'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { seedDemoData } from '../../demo-data.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { dataReturnItem } from '../../domain/inspections.js'
import { REVISIT_2012 } from '../inspections/demo.js'
import { type DemoFacts, demoFacts, expectedValues } from './demo.js'

const fixtureFiles = fs.readdirSync(PRESS_RELEASE_FIXTURES).filter((name) => name.endsWith('.json'))

let testApp: TestApp
let revisitId: string
let eventsAfterFirstRun: number

const returnEvents = async () =>
  (await testApp.services.audit.list(SYSTEM_CALLER, { entityType: 'data-return' }, { offset: 0, limit: 1 }))
    .total

beforeAll(async () => {
  testApp = await createDemoTestApp()
  eventsAfterFirstRun = await returnEvents()
  await seedDemoData(testApp.services)
  const revisit = await testApp.services.inspections.findByCode(SYSTEM_CALLER, REVISIT_2012)
  revisitId = revisit?.id as string
}, DEMO_APP_TIMEOUT_MS)

afterAll(async () => {
  await testApp?.close()
})

describe('the demo’s 2012 data returns', () => {
  it('equal the facts kept in the repository, computed from the records (and supplied where not computed)', async () => {
    const facts = demoFacts()
    expect(Object.keys(facts).sort()).toEqual(['cheshire', 'cleveland', 'greater-manchester'])
    for (const [forceCode, forceFacts] of Object.entries(facts)) {
      const view = await testApp.services.dataReturns.get(SYSTEM_CALLER, revisitId, forceCode)
      const values = Object.fromEntries(view.items.map((item) => [item.code, item.value]))
      expect(values, forceCode).toMatchObject(expectedValues(forceFacts))
      for (const code of Object.keys(expectedValues(forceFacts))) {
        const item = view.items.find((candidate) => candidate.code === code)
        expect(item?.source, `${forceCode} ${code}`).toBe(
          dataReturnItem(code)?.computed ? 'computed' : 'supplied',
        )
      }
    }
    // Only Cheshire's press release says it developed a counter-corruption plan.
    const cleveland = await testApp.services.dataReturns.values(SYSTEM_CALLER, revisitId, 'cleveland')
    expect(cleveland['counter-corruption-plan']).toBeNull()
  })

  it('adds nothing when the demo runs again', async () => {
    expect(await returnEvents()).toBe(eventsAfterFirstRun)
  })

  it('equal the facts of the press-release fixtures', async () => {
    const copy = demoFacts()
    expect(fixtureFiles.length).toBeGreaterThan(0)
    for (const file of fixtureFiles) {
      const facts = JSON.parse(fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, file), 'utf8')) as DemoFacts
      // The copy in the repository is the fixture itself.
      expect(copy[facts.forceCode], file).toEqual(facts)
      const values = await testApp.services.dataReturns.values(SYSTEM_CALLER, revisitId, facts.forceCode)
      expect(values, file).toMatchObject(expectedValues(facts))
    }
  })
})
