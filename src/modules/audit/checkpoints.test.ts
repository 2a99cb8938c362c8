import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { asc, eq, gte } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CliFolder } from '../../../test/support/processes.js'
import { createTestDatabase } from '../../../test/support/test-database.js'
import { type Database, type DatabaseHandle, openDatabase } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { hashEvent } from './chain.js'
import { checkpointHead, scheduleCheckpoints } from './checkpoint-schedule.js'
import { generateCheckpointKey, readCheckpoints, writeCheckpoint } from './checkpoints.js'
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

async function appendEvents(db: Database, count: number) {
  await inScope(db, { kind: 'inspectorate' }, async (tx) => {
    for (let index = 0; index < count; index++)
      await appendAuditEvent(
        tx,
        { type: 'user', id: null, label: `clerk ${index}`, ipAddress: null },
        { forceId: null, entityType: 'user', entityId: `u-${index}`, action: 'update', after: { index } },
        new Date(Date.UTC(2012, 2, 27, 9, index)),
      )
  })
}

/** Deletes the events from `seq` on and moves the recorded end back onto the one before. */
async function truncateFrom(db: Database, seq: number) {
  await tamper(db, async (tx) => {
    await tx.delete(auditEvents).where(gte(auditEvents.seq, seq))
    const [last] = await tx
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.seq, seq - 1))
    await tx
      .update(auditChainHead)
      .set({ seq: seq - 1, hash: last?.hash ?? 'genesis' })
      .where(eq(auditChainHead.id, 1))
  })
}

/** Changes event `seq` and re-hashes it and every later event, and the recorded end: a consistent forgery. */
async function rewriteFrom(db: Database, seq: number) {
  await tamper(db, async (tx) => {
    const events = await tx
      .select()
      .from(auditEvents)
      .where(gte(auditEvents.seq, seq))
      .orderBy(asc(auditEvents.seq))
    const [before] = await tx
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.seq, seq - 1))
    let prevHash = before?.hash ?? 'genesis'
    for (const event of events) {
      const forged = {
        ...event,
        prevHash,
        after: event.seq === seq ? { index: 'forged' } : event.after,
      }
      const hash = hashEvent(forged)
      await tx
        .update(auditEvents)
        .set({ after: forged.after, prevHash, hash })
        .where(eq(auditEvents.seq, event.seq))
      prevHash = hash
    }
    const last = events.at(-1)
    await tx
      .update(auditChainHead)
      .set({ seq: last?.seq ?? seq - 1, hash: prevHash })
      .where(eq(auditChainHead.id, 1))
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

  beforeEach(async () => {
    database = await createTestDatabase()
    audit = new AuditService(database.db)
    folder = newFolder()
    await appendEvents(database.db, 10)
    const written = await checkpointHead(audit, folder, privateKey)
    expect(written?.seq).toBe(10)
    await appendEvents(database.db, 2)
  })
  afterEach(() => database.close())

  it('agree with an untouched trail', async () => {
    expect(await audit.verify(await checkpointsIn(folder))).toEqual({ ok: true, events: 12 })
  })

  it('catch events cut from the end, which the chain alone does not', async () => {
    await truncateFrom(database.db, 9)
    expect(await audit.verify()).toEqual({ ok: true, events: 8 })
    expect(await audit.verify(await checkpointsIn(folder))).toMatchObject({
      ok: false,
      kind: 'missing',
      seq: 10,
      reason: 'checkpoint-missing',
      found: 8,
      checkpoint: 'checkpoint-000000000010.json',
    })
  })

  it('catch the chain rewritten from an event before the checkpoint, which the chain alone does not', async () => {
    await rewriteFrom(database.db, 5)
    expect(await audit.verify()).toEqual({ ok: true, events: 12 })
    expect(await audit.verify(await checkpointsIn(folder))).toMatchObject({
      ok: false,
      kind: 'altered',
      seq: 10,
      reason: 'checkpoint-hash',
    })
  })

  it('refuse a checkpoint whose content or signature was changed, or signed with another key', async () => {
    const [file] = (await checkpointsIn(folder)).map((checkpoint) => checkpoint.file)
    if (!file) throw new Error('no checkpoint written')
    const content = JSON.parse(fs.readFileSync(file, 'utf8'))
    fs.writeFileSync(file, JSON.stringify({ ...content, hash: 'a'.repeat(64) }))
    expect(await readCheckpoints(folder, publicKey)).toEqual([
      { file, problem: "checkpoint-000000000010.json's signature does not verify with the checkpoint key" },
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

  it('are written whole and once per event by instances writing at the same moment, and by the schedule', async () => {
    const head = await audit.head()
    const written = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        writeCheckpoint(folder, privateKey, {
          ...head,
          createdAt: new Date(Date.UTC(2012, 2, 27, 10, index)).toISOString(),
        }),
      ),
    )
    expect(new Set(written).size).toBe(1)
    expect(fs.readdirSync(folder).sort()).toEqual([
      'checkpoint-000000000010.json',
      'checkpoint-000000000012.json',
    ])

    await appendEvents(database.db, 1)
    const schedule = scheduleCheckpoints(audit, {
      folder,
      key: privateKey,
      intervalMs: 3_600_000,
      log: pino({ level: 'silent' }),
    })
    await schedule.first
    schedule.stop()
    expect((await checkpointsIn(folder)).map((checkpoint) => checkpoint.seq)).toEqual([10, 12, 13])
    expect(await audit.verify(await checkpointsIn(folder))).toEqual({ ok: true, events: 13 })
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
    expect(checkpoint.stdout).toMatch(/^Checkpoint of event \d+ written to /)
    const intact = await cli.probity(['audit', 'verify', '--checkpoints', checkpoints], env)
    expect(intact).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Audit trail intact: .*1 signed checkpoint/),
    })

    const database = await openDatabase({ kind: 'embedded', dataDir: cli.dataDir })
    const head = await new AuditService(database.db).head()
    await truncateFrom(database.db, head.seq)
    await database.close()
    const cut = await cli.probity(['audit', 'verify', '--checkpoints', checkpoints], env)
    expect(cut.code).toBe(2)
    expect(cut.stderr).toContain(`event ${head.seq} is missing: the signed checkpoint`)
  }, 600_000) // several commands, each a process of its own
})
