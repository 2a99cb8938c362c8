import { validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'

let testApp: TestApp
beforeAll(async () => {
  testApp = await createTestApp()
})
afterAll(() => testApp.close())

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI document whose every $ref points at a schema it defines', async () => {
    const response = await testApp.app.inject('/api/openapi.json')
    expect(response.statusCode).toBe(200)
    const document = response.json()
    const references = [...response.body.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (match) => match[1] as string,
    )
    expect(references.length).toBeGreaterThan(0)
    for (const name of new Set(references)) expect(document.components.schemas, name).toHaveProperty(name)
    const result = await validate(structuredClone(document))
    const problems = result.valid ? [] : result.errors
    expect(
      problems
        .map((problem) => problem.message)
        .join('\n')
        .slice(0, 2000),
    ).toBe('')
  })
})
