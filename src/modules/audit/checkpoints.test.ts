import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { and, asc, eq, gte } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { createTestDatabase } from '../../../test/support/test-database.js'
import { type Database, type DatabaseHandle, openDatabase } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { forces } from '../forces/schema.js'
import { ForcesService } from '../forces/service.js'
import { hashEvent, NATIONAL_CHAIN } from './chain.js'
import { checkpointHeads, scheduleCheckpoints } from './checkpoint-schedule.js'
import { eventsCovered, generateCheckpointKey, readCheckpoints, writeCheckpoint } from './checkpoints.js'
import { auditChainHead, auditEvents } from './schema.js'
import { AuditService, appendAuditEvent, type NamedCheckpoint } from './service.js'
import { tamper } from './test-support.js'

// Issue #19, finding 6: with the chain's end held only in the database, its owner could cut events
// from the end, or rewrite the chain from an event onwards, and verification still said intact.

const keys = generateCheckpointKey()
const privateKey = createPrivateKey(keys.privateKey)
const publicKey = createPublicKey(keys.publicKey)
const folders: string[] = []

function newFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-checkpoints-'))
  folders.push(folder)
  return folder
}
afterAll(() => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true })
})

/** Appends `count` events in one scope: the inspectorate's go to the national chain, a force's to its own. */
async function appendEvents(db: Database, count: number, forceId?: number) {
  const scope =
    forceId === undefined ? { kind: 'inspectorate' as const } : { kind: 'force' as const, forceId }
  await inScope(db, scope, async (tx) => {
    for (let index = 0; index < count; index++)
      await appendAuditEvent(
        tx,
        { type: 'user', id: null, label: `clerk ${index}`, ipAddress: null },
        {
          forceId: forceId ?? null,
          entityType: 'user',
          entityId: `u-${index}`,
          action: 'update',
          after: { index },
        },
        new Date(Date.UTC(2012, 2, 27, 9, index)),
      )
  })
}

const inChainFrom = (chain: number, chainSeq: number) =>
  and(eq(auditEvents.chain, chain), gte(auditEvents.chainSeq, chainSeq))
const numbered = (chain: number, chainSeq: number) =>
  and(eq(auditEvents.chain, chain), eq(auditEvents.chainSeq, chainSeq))

/** Deletes a chain's events from `chainSeq` on and moves its recorded end back onto the one before. */
async function truncateFrom(db: Database, chain: number, chainSeq: number) {
  await tamper(db, async (tx) => {
    await tx.delete(auditEvents).where(inChainFrom(chain, chainSeq))
    const [last] = await tx
      .select()
      .from(auditEvents)
      .where(numbered(chain, chainSeq - 1))
    await tx
      .update(auditChainHead)
      .set({ seq: chainSeq - 1, hash: last?.hash ?? 'genesis' })
      .where(eq(auditChainHead.id, chain))
  })
}

/**
 * Changes a chain's event `chainSeq` and re-hashes it and every later event of the chain, and its
 * recorded end: a consistent forgery.
 */
async function rewriteFrom(db: Database, chain: number, chainSeq: number) {
  await tamper(db, async (tx) => {
    const events = await tx
      .select()
      .from(auditEvents)
      .where(inChainFrom(chain, chainSeq))
      .orderBy(asc(auditEvents.chainSeq))
    const [before] = await tx
      .select()
      .from(auditEvents)
      .where(numbered(chain, chainSeq - 1))
    let prevHash = before?.hash ?? 'genesis'
    for (const event of events) {
      const after = event.chainSeq === chainSeq ? { index: 'forged' } : event.after
      const hash = hashEvent({ ...event, seq: event.chainSeq, prevHash, after })
      await tx.update(auditEvents).set({ after, prevHash, hash }).where(eq(auditEvents.seq, event.seq))
      prevHash = hash
    }
    await tx
      .update(auditChainHead)
      .set({ seq: events.at(-1)?.chainSeq ?? chainSeq - 1, hash: prevHash })
      .where(eq(auditChainHead.id, chain))
  })
}

async function checkpointsIn(folder: string, key: KeyObject = publicKey): Promise<NamedCheckpoint[]> {
  return (await readCheckpoints(folder, key)).map((read) => {
    if ('problem' in read) throw new Error(read.problem)
    return { ...read.checkpoint, file: read.file }
  })
}

describe('signed checkpoints of the audit chain', () => {
  let database: DatabaseHandle
  let audit: AuditService
  let folder: string

  let cheshire: number

  // Checkpointed: 10 national events and 4 of Cheshire's; then 2 and 1 more.
  beforeEach(async () => {
    database = await createTestDatabase()
    audit = new AuditService(database.db, new ForcesService(database.db))
    folder = newFolder()
    const [force] = await database.db.select().from(forces).where(eq(forces.code, 'cheshire'))
    cheshire = force?.id ?? 0
    await appendEvents(database.db, 10)
    await appendEvents(database.db, 4, cheshire)
    const written = await checkpointHeads(audit, folder, privateKey)
    expect(written).toMatchObject({ events: 14, chains: 2 })
    await appendEvents(database.db, 2)
    await appendEvents(database.db, 1, cheshire)
  })
  afterEach(() => database.close())

  it('agree with an untouched trail', async () => {
    expect(await audit.verify(await checkpointsIn(folder))).toEqual({ ok: true, events: 17, chains: 2 })
  })

  it('catch events cut from the end of a force’s chain, which the chain alone does not', async () => {
    await truncateFrom(database.db, cheshire, 3)
    expect(await audit.verify()).toEqual({ ok: true, events: 14, chains: 2 })
    expect(await audit.verify(await checkpointsIn(folder))).toMatchObject({
      ok: false,
      kind: 'missing',
      chain: cheshire,
      chainName: 'the chain of Cheshire Constabulary',
      seq: 4,
      reason: 'checkpoint-missing',
      found: 2,
      checkpoint: 'checkpoint-000000000014.json',
    })
  })

  it('catch the national chain rewritten from an event before the checkpoint, which the chain alone does not', async () => {
    await rewriteFrom(database.db, NATIONAL_CHAIN, 5)
    expect(await audit.verify()).toEqual({ ok: true, events: 17, chains: 2 })
    expect(await audit.verify(await checkpointsIn(folder))).toMatchObject({
      ok: false,
      kind: 'altered',
      chain: NATIONAL_CHAIN,
      seq: 10,
      reason: 'checkpoint-hash',
    })
  })

  it('still read a checkpoint written when there was one chain, as the national chain’s', async () => {
    const old = newFolder()
    const [tenth] = await database.db.select().from(auditEvents).where(numbered(NATIONAL_CHAIN, 10))
    const createdAt = '2012-12-01T09:00:00.000Z'
    // Format 1 signed its label, the event's number, its hash and the time, a line each.
    const signed = Buffer.from(`probity-audit-checkpoint/1\n10\n${tenth?.hash}\n${createdAt}\n`, 'utf8')
    const file = path.join(old, 'checkpoint-000000000010.json')
    const content = {
      format: 'probity-audit-checkpoint/1',
      seq: 10,
      hash: tenth?.hash,
      createdAt,
      signature: sign(null, signed, privateKey).toString('base64'),
    }
    fs.writeFileSync(file, JSON.stringify(content))
    expect(await checkpointsIn(old)).toEqual([
      { chains: [{ chain: NATIONAL_CHAIN, seq: 10, hash: tenth?.hash }], createdAt, file },
    ])
    expect(await audit.verify(await checkpointsIn(old))).toEqual({ ok: true, events: 17, chains: 2 })
    await rewriteFrom(database.db, NATIONAL_CHAIN, 3)
    expect(await audit.verify(await checkpointsIn(old))).toMatchObject({
      ok: false,
      reason: 'checkpoint-hash',
    })
  })

  it('refuse a checkpoint whose content or signature was changed, or signed with another key', async () => {
    const [file] = (await checkpointsIn(folder)).map((checkpoint) => checkpoint.file)
    if (!file) throw new Error('no checkpoint written')
    const content = JSON.parse(fs.readFileSync(file, 'utf8'))
    const [national, force] = content.chains
    fs.writeFileSync(
      file,
      JSON.stringify({ ...content, chains: [national, { ...force, hash: 'a'.repeat(64) }] }),
    )
    expect(await readCheckpoints(folder, publicKey)).toEqual([
      { file, problem: "checkpoint-000000000014.json's signature does not verify with the checkpoint key" },
    ])
    fs.writeFileSync(file, JSON.stringify({ ...content, chains: [national] }))
    expect(await readCheckpoints(folder, publicKey)).toEqual([
      { file, problem: 'checkpoint-000000000014.json holds a checkpoint of 10 events' },
    ])
    fs.writeFileSync(file, JSON.stringify(content))
    const other = createPublicKey(generateCheckpointKey().publicKey)
    expect(await readCheckpoints(folder, other)).toMatchObject([
      { problem: expect.stringMatching(/signature/) },
    ])
    fs.writeFileSync(file, '{"format":')
    expect(await readCheckpoints(folder, publicKey)).toMatchObject([
      { problem: expect.stringMatching(/not a checkpoint/) },
    ])
  })

  it('are written whole and once per state of the chains by instances writing at the same moment, and by the schedule', async () => {
    const chains = await audit.heads()
    expect(chains.map((head) => [head.chain, head.seq])).toEqual([
      [NATIONAL_CHAIN, 12],
      [cheshire, 5],
    ])
    const written = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        writeCheckpoint(folder, privateKey, {
          chains,
          createdAt: new Date(Date.UTC(2012, 2, 27, 10, index)).toISOString(),
        }),
      ),
    )
    expect(new Set(written).size).toBe(1)
    expect(fs.readdirSync(folder).sort()).toEqual([
      'checkpoint-000000000014.json',
      'checkpoint-000000000017.json',
    ])

    await appendEvents(database.db, 1, cheshire)
    const schedule = scheduleCheckpoints(audit, {
      folder,
      key: privateKey,
      intervalMs: 3_600_000,
      log: pino({ level: 'silent' }),
    })
    await schedule.first
    schedule.stop()
    expect((await checkpointsIn(folder)).map(eventsCovered)).toEqual([14, 17, 18])
    expect(await audit.verify(await checkpointsIn(folder))).toEqual({ ok: true, events: 18, chains: 2 })
  })
})

describe('probity audit keygen, checkpoint and verify --checkpoints', () => {
  const cli = new CliFolder('audit-checkpoints')
  afterAll(() => cli.remove())

  it('signs a checkpoint, then fails naming the event once the trail is cut short', async () => {
    const keyFile = path.join(cli.folder, 'checkpoint.key')
    const checkpoints = path.join(cli.folder, 'checkpoints')
    const keygen = await cli.probity(['audit', 'keygen', '--out', keyFile])
    expect(keygen.stderr).toBe('')
    expect(keygen.stdout).toMatch(/BEGIN PUBLIC KEY/)
    const env = { PROBITY_AUDIT_KEY_FILE: keyFile }
    for (const email of ['one@inspectorate.example', 'two@inspectorate.example'])
      expect(
        (
          await cli.probity([
            'users',
            'add',
            '--email',
            email,
            '--name',
            'An Admin',
            '--role',
            'inspectorate-admin',
          ])
        ).code,
      ).toBe(0)
    const checkpoint = await cli.probity(['audit', 'checkpoint', '--out', checkpoints], env)
    expect(checkpoint.stdout).toMatch(/^Checkpoint of \d+ events in 1 chain written to /)
    const intact = await cli.probity(['audit', 'verify', '--checkpoints', checkpoints], env)
    expect(intact).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Audit trail intact: .*1 signed checkpoint/),
    })

    const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
    const [head] = await new AuditService(database.db, new ForcesService(database.db)).heads()
    if (!head) throw new Error('no events')
    await truncateFrom(database.db, head.chain, head.seq)
    await database.close()
    const cut = await cli.probity(['audit', 'verify', '--checkpoints', checkpoints], env)
    expect(cut.code).toBe(2)
    expect(cut.stderr).toContain(`in the national chain, event ${head.seq} is missing: the signed checkpoint`)
  }, 600_000) // several commands, each a process of its own
})
