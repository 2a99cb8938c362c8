import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { queryRows } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import type { Scope } from '../../domain/access.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { pdfAvailable, printPdfs } from './pdf.js'
import { PublicationPdfs } from './pdf-store.js'

/**
 * A version's PDFs are printed when it is approved and again when it is published, in the background,
 * and stored beside it; a download serves the stored bytes; another force and the public see nothing
 * that is not theirs to read. These print with the real Chromium.
 */

const requirePdf = process.env.PROBITY_E2E === 'required'
const canPrint = pdfAvailable()
if (!canPrint && !requirePdf) console.warn('Chromium is missing: the stored PDF tests are skipped')

let testApp: TestApp
let cast: TwoForces
const clock = new Date('2012-12-01T09:00:00Z')
let inspector: Agent
let alphaCaseworker: Agent
let bravoAdmin: Agent
let anonymous: Agent
let versionId: string

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  alphaCaseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  bravoAdmin = await signedInAgent(testApp.app, cast.bravo.users['force-admin'].email)
  anonymous = new Agent(testApp.app)
  const outcomes = await testApp.services.publication.generate(SYSTEM_CALLER, cast.inspection.id, {
    forceCode: cast.alpha.code,
    kinds: ['press-release'],
  })
  versionId = outcomes[0]?.versionId as string
  await testApp.services.publication.sendForCheck(SYSTEM_CALLER, versionId)
}, 180_000) // two forces' records and an inspection
afterAll(async () => {
  await testApp.services.publicationPdfs.idle()
  await testApp.close()
})

/** The stored PDFs of the version, as the tables' owner sees them. */
async function storedPdfs() {
  const rows = await queryRows<{ source_links: boolean; document_sha256: string; pdf: Buffer | Uint8Array }>(
    testApp.database.db,
    sql`select source_links, document_sha256, pdf from publication_pdfs where version_id = ${versionId} order by source_links`,
  )
  return rows.map((row) => ({
    sourceLinks: row.source_links,
    documentSha256: row.document_sha256,
    pdf: Buffer.from(row.pdf),
  }))
}

/** How many of the version's stored PDFs the app's role reads in a scope (row-level security). */
async function visibleIn(scope: Scope): Promise<number> {
  const rows = await inScope(testApp.database.db, scope, (tx) =>
    queryRows(tx, sql`select 1 from publication_pdfs where version_id = ${versionId}`),
  )
  return rows.length
}

async function forceId(code: string): Promise<number> {
  const force = (await testApp.services.forces.references()).find((f) => f.code === code)
  if (!force) throw new Error(`no force ${code}`)
  return force.id
}

describe.skipIf(!canPrint && !requirePdf)('stored PDFs', () => {
  it('approving prints both PDFs (with and without source links) in the background and stores them', async () => {
    expect(await storedPdfs()).toEqual([])
    expect((await inspector.post(`/publications/${versionId}/approve`)).statusCode).toBe(303)
    await testApp.services.publicationPdfs.idle()
    const stored = await storedPdfs()
    expect(stored.map((row) => row.sourceLinks)).toEqual([false, true])
    for (const row of stored) expect(row.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })

  it('serves a download from the stored bytes, not by printing', async () => {
    // Stored bytes no printer makes: a download that returns them came from the table.
    await testApp.database.db.execute(
      sql`update publication_pdfs set pdf = convert_to('%PDF-stored for the inspectorate', 'UTF8') where version_id = ${versionId} and source_links`,
    )
    const forInspector = await inspector.get(`/publications/${versionId}/document.pdf`)
    expect(forInspector.statusCode).toBe(200)
    expect(forInspector.headers['content-type']).toBe('application/pdf')
    expect(forInspector.rawPayload.toString('latin1')).toBe('%PDF-stored for the inspectorate')
    // The force reads the copy without the links to the inspectorate's pages, as stored.
    const forForce = await alphaCaseworker.get(`/publications/${versionId}/document.pdf`)
    expect(forForce.statusCode).toBe(200)
    const withoutLinks = (await storedPdfs()).find((row) => !row.sourceLinks)
    expect(forForce.rawPayload.equals(withoutLinks?.pdf as Buffer)).toBe(true)
  })

  it('shows another force and the public neither the download nor the stored rows', async () => {
    expect((await bravoAdmin.get(`/publications/${versionId}/document.pdf`)).statusCode).toBe(404)
    expect((await anonymous.get(`/publications/${versionId}/document.pdf`)).statusCode).toBe(404)
    expect(await visibleIn({ kind: 'force', forceId: await forceId(cast.bravo.code) })).toBe(0)
    expect(await visibleIn({ kind: 'public' })).toBe(0)
    expect(await visibleIn({ kind: 'force', forceId: await forceId(cast.alpha.code) })).toBe(2)
    // Only the inspectorate's scope writes them.
    await expect(
      inScope(testApp.database.db, { kind: 'force', forceId: await forceId(cast.alpha.code) }, (tx) =>
        queryRows(
          tx,
          sql`update publication_pdfs set pdf = 'x' where version_id = ${versionId} returning 1`,
        ).then((updated) => {
          if (!updated.length) throw new Error('no row updated')
        }),
      ),
    ).rejects.toThrow()
  })

  it('prints again on publishing, since the approved PDF no longer says what the version is', async () => {
    const before = await storedPdfs()
    expect((await inspector.post(`/publications/${versionId}/publish`)).statusCode).toBe(303)
    await testApp.services.publicationPdfs.idle()
    const after = await storedPdfs()
    expect(after).toHaveLength(2)
    for (const [index, row] of after.entries()) {
      expect(row.documentSha256).not.toBe(before[index]?.documentSha256)
      expect(row.pdf.subarray(0, 8).toString('latin1')).toMatch(/^%PDF-\d/)
    }
    const forPublic = await anonymous.get(`/publications/${versionId}/document.pdf`)
    expect(forPublic.statusCode).toBe(200)
    expect(forPublic.rawPayload.equals(after.find((row) => !row.sourceLinks)?.pdf as Buffer)).toBe(true)
  })

  it('prints a missing PDF at its download once, and serves it from the table after', async () => {
    await testApp.database.db.execute(sql`delete from publication_pdfs where version_id = ${versionId}`)
    let printed = 0
    const pdfs = new PublicationPdfs(
      testApp.database.db,
      testApp.services.publication,
      () => clock,
      (documents) => {
        printed += documents.length
        return printPdfs(documents)
      },
    )
    const { version } = await testApp.services.publication.version(SYSTEM_CALLER, versionId)
    const first = await pdfs.pdf(SYSTEM_CALLER, version, { sourceLinks: false })
    const second = await pdfs.pdf(SYSTEM_CALLER, version, { sourceLinks: false })
    expect(printed).toBe(1)
    expect(second.equals(first)).toBe(true)
    expect((await storedPdfs()).map((row) => row.sourceLinks)).toEqual([false])
  })

  it('lists where the inspection’s PDFs stand, prepares those not ready, and is the inspectorate’s only', async () => {
    const pdfsPage = `/publications/inspections/${cast.inspection.id}/pdfs`
    const manage = await inspector.get(`/publications/inspections/${cast.inspection.id}/manage`)
    expect(manage.body).toContain(`href="${pdfsPage}"`)
    const before = await inspector.get(pdfsPage)
    expect(before.statusCode).toBe(200)
    expect(before.body).toContain('0 of 1 documents’ PDFs are ready')
    expect(before.body).toContain('Not prepared')
    const prepared = await inspector.post(pdfsPage)
    expect(prepared.statusCode).toBe(303)
    expect(prepared.headers.location).toBe(pdfsPage)
    await testApp.services.publicationPdfs.idle()
    const after = await inspector.get(pdfsPage)
    expect(after.body).toContain('One document’s PDFs are being prepared.')
    expect(after.body).toContain('1 of 1 documents’ PDFs are ready')
    expect(after.body).not.toContain('Prepare the PDFs not ready')
    expect(await storedPdfs()).toHaveLength(2)
    for (const agent of [alphaCaseworker, bravoAdmin]) {
      expect((await agent.get(pdfsPage)).statusCode).toBe(403)
      expect((await agent.post(pdfsPage)).statusCode).toBe(403)
    }
    expect((await anonymous.get(pdfsPage)).statusCode).not.toBe(200)
  })
})
