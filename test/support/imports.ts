import ExcelJS from 'exceljs'
import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { Caller } from '../../src/domain/access.js'
import { callerFor } from '../../src/domain/access.js'
import type { Role } from '../../src/domain/roles.js'
import { type Agent, signedInAgent } from './agent.js'
import { createRegisterTestApp } from './registers.js'
import type { TestApp } from './test-app.js'
import type { TwoForces } from './two-forces.js'

/** A CSV cell as a spreadsheet writes it: quoted when it holds a comma, a quote or a new line. */
const csvCell = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)

/** An upload of a CSV file: the header, then the rows (line 2 onwards). */
export function csvUpload(filename: string, header: readonly string[], rows: readonly (readonly string[])[]) {
  return {
    filename,
    data: Buffer.from(`${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`),
  }
}

/** An upload of an Excel workbook: the header, then the rows, whose Dates become real date cells. */
export async function xlsxUpload(
  filename: string,
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
) {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Import')
  for (const row of [header, ...rows]) sheet.addRow([...row])
  return {
    filename,
    data: Buffer.from(await workbook.xlsx.writeBuffer()),
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  }
}

/** The confirm button's address on a dry run's page, e.g. /acu-staffing/imports/<id>; undefined when there is none. */
export function confirmActionOf(preview: LightMyRequestResponse, list: string): string | undefined {
  const escaped = list.replace(/[/]/g, '\\/')
  return preview.body.match(new RegExp(`action="(${escaped}\\/imports\\/[0-9a-f-]+)"`))?.[1]
}

/** The dry run's problem table has this line with a reason that contains `reason`. */
export function expectProblem(preview: LightMyRequestResponse, line: number, reason: string) {
  const rows = [...preview.body.matchAll(/<td[^>]*>\s*(\d+)\s*<\/td>\s*<td[^>]*>\s*([^<]*)<\/td>/g)]
  const reasons = rows
    .filter((row) => Number(row[1]) === line)
    .map((row) =>
      (row[2] ?? '').trim().replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&'),
    )
  expect(reasons.join(' | '), `line ${line}`).toContain(reason)
}

/** Uploads a file that has problems: refused with a 400 naming how many, and no way to confirm it. */
export async function expectRefusedUpload(
  agent: Agent,
  list: string,
  file: { filename: string; data: Buffer },
  problems: number,
) {
  const preview = await agent.upload(`${list}/import`, file)
  expect(preview.statusCode).toBe(400)
  expect(preview.body).toContain(
    `Nothing has been imported: ${problems} ${problems === 1 ? 'row has' : 'rows have'} problems`,
  )
  expect(confirmActionOf(preview, list)).toBeUndefined()
  return preview
}

/** A signed-in user of a force as the services see them. */
export function forceUserCaller(user: { id: string }, role: Role, forceId: number): Caller {
  return callerFor({ kind: 'user', id: user.id, label: role, role, forceId, staffMemberId: null }, null)
}

/** The app over the two test forces for an import's tests: Alpha's id, and each force's caseworker signed in. */
export async function createImportTestApp(now: () => Date): Promise<{
  testApp: TestApp
  cast: TwoForces
  alphaId: number
  caseworker: Agent
  bravoCaseworker: Agent
}> {
  const { testApp, cast } = await createRegisterTestApp(now)
  const alphaId = (await testApp.services.forces.references()).find((f) => f.code === cast.alpha.code)?.id
  return {
    testApp,
    cast,
    alphaId: alphaId as number,
    caseworker: await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email),
    bravoCaseworker: await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email),
  }
}
