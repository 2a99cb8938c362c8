import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { type AuditCheckpointSettings, ConfigError } from '../../config.js'

/** One chain's end: its last event's number in the chain, and that event's hash. */
export interface ChainHead {
  /** A force's id, or 0 for the national chain. */
  chain: number
  seq: number
  hash: string
}

/**
 * A signed statement of every audit chain's end at one moment. Kept outside the database (another
 * machine, write-once storage), it lets `probity audit verify --checkpoints` catch what the chains alone
 * cannot: events cut from a chain's end, or a chain rewritten from some event onwards with fresh
 * hashes, by someone with the database owner's rights. It joins the forces' chains: one signature
 * over all their ends.
 */
export interface Checkpoint {
  chains: ChainHead[]
  createdAt: string
}

const hashPattern = /^[0-9a-f]{64}$/

/** Format 1, from when there was one chain (now the national chain, 0). */
const singleChainFileSchema = z.object({
  format: z.literal('probity-audit-checkpoint/1'),
  seq: z.number().int().positive(),
  hash: z.string().regex(hashPattern),
  createdAt: z.iso.datetime(),
  signature: z.base64(),
})

const chainsFileSchema = z.object({
  format: z.literal('probity-audit-checkpoint/2'),
  chains: z
    .array(
      z.object({
        chain: z.number().int().nonnegative(),
        seq: z.number().int().positive(),
        hash: z.string().regex(hashPattern),
      }),
    )
    .min(1),
  createdAt: z.iso.datetime(),
  signature: z.base64(),
})

const checkpointFileSchema = z.discriminatedUnion('format', [singleChainFileSchema, chainsFileSchema])

/** How many events a checkpoint covers: the sum of its chains' ends, which only grows as events are appended. */
export const eventsCovered = (checkpoint: Checkpoint) =>
  checkpoint.chains.reduce((sum, head) => sum + head.seq, 0)

/**
 * Files are named by the number of events they cover, so instances checkpointing the same ends write
 * the same name, and names sort oldest first.
 */
const FILE_PATTERN = /^checkpoint-(\d{12})\.json$/
const fileName = (events: number) => `checkpoint-${String(events).padStart(12, '0')}.json`

/** What is signed: every field, in a fixed order, under a label so the signature means nothing else. */
function signedBytes(format: 1 | 2, checkpoint: Checkpoint) {
  if (format === 1) {
    const [head] = checkpoint.chains
    return Buffer.from(
      `probity-audit-checkpoint/1\n${head?.seq}\n${head?.hash}\n${checkpoint.createdAt}\n`,
      'utf8',
    )
  }
  const lines = sortedChains(checkpoint.chains).map((head) => `${head.chain} ${head.seq} ${head.hash}\n`)
  return Buffer.from(`probity-audit-checkpoint/2\n${checkpoint.createdAt}\n${lines.join('')}`, 'utf8')
}

const sortedChains = (chains: ChainHead[]) => [...chains].sort((a, b) => a.chain - b.chain)

/** A new Ed25519 private key, as PEM (PKCS#8), and its public key (SPKI). */
export function generateCheckpointKey(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

/** The signing key from the settings (the variable or the file), checked to be Ed25519. */
export async function loadCheckpointKey(settings: AuditCheckpointSettings): Promise<KeyObject> {
  let pem = settings.keyPem
  if (!pem && settings.keyFile) {
    try {
      pem = await fs.readFile(settings.keyFile, 'utf8')
    } catch {
      throw new ConfigError(
        `Invalid setting PROBITY_AUDIT_KEY_FILE="${settings.keyFile}": expected a readable file`,
      )
    }
  }
  if (!pem)
    throw new ConfigError(
      'Missing setting PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE: expected an Ed25519 private key (probity audit keygen makes one)',
    )
  const source = settings.keyPem ? 'PROBITY_AUDIT_KEY' : 'PROBITY_AUDIT_KEY_FILE'
  try {
    const key = createPrivateKey(pem)
    if (key.asymmetricKeyType === 'ed25519') return key
  } catch {
    // Reported below, with what was expected.
  }
  throw new ConfigError(`Invalid setting ${source}: expected an Ed25519 private key in PEM form`)
}

export function signCheckpoint(key: KeyObject, checkpoint: Checkpoint): string {
  return sign(null, signedBytes(2, checkpoint), key).toString('base64')
}

/**
 * Writes the checkpoint into the folder, atomically: to a file of its own first, then renamed into
 * place, so a reader (or another instance writing the same ends) never sees half a file. Ends already
 * checkpointed are left as they are. Returns the file's path.
 */
export async function writeCheckpoint(folder: string, key: KeyObject, checkpoint: Checkpoint) {
  await fs.mkdir(folder, { recursive: true })
  const name = fileName(eventsCovered(checkpoint))
  const target = path.join(folder, name)
  if (
    await fs.stat(target).then(
      () => true,
      () => false,
    )
  )
    return target
  const content = {
    format: 'probity-audit-checkpoint/2',
    chains: sortedChains(checkpoint.chains),
    createdAt: checkpoint.createdAt,
    signature: signCheckpoint(key, checkpoint),
  }
  const temporary = path.join(folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`)
  await fs.writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { flag: 'wx', mode: 0o644 })
  try {
    await fs.rename(temporary, target)
  } catch (error) {
    await fs.rm(temporary, { force: true })
    throw error
  }
  return target
}

/** A checkpoint read back from its file, or what is wrong with the file. */
export type ReadCheckpoint = { file: string; checkpoint: Checkpoint } | { file: string; problem: string }

/**
 * Every checkpoint in the folder, oldest first, each with its signature checked against the public
 * key. A file that cannot be read, parsed or verified is a problem, never skipped: a forger who cannot
 * sign would otherwise just spoil the newest checkpoint.
 */
export async function readCheckpoints(folder: string, publicKey: KeyObject): Promise<ReadCheckpoint[]> {
  let names: string[]
  try {
    names = await fs.readdir(folder)
  } catch {
    throw new ConfigError(`No checkpoint folder at ${folder}`)
  }
  const results: ReadCheckpoint[] = []
  for (const name of names.filter((each) => FILE_PATTERN.test(each)).sort()) {
    const file = path.join(folder, name)
    let parsed: z.infer<typeof checkpointFileSchema>
    try {
      parsed = checkpointFileSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')))
    } catch {
      results.push({ file, problem: `${name} is not a checkpoint file` })
      continue
    }
    const { format, createdAt, signature } = parsed
    const checkpoint: Checkpoint =
      parsed.format === 'probity-audit-checkpoint/1'
        ? { chains: [{ chain: 0, seq: parsed.seq, hash: parsed.hash }], createdAt }
        : { chains: parsed.chains, createdAt }
    const signed = signedBytes(format === 'probity-audit-checkpoint/1' ? 1 : 2, checkpoint)
    if (name !== fileName(eventsCovered(checkpoint))) {
      results.push({ file, problem: `${name} holds a checkpoint of ${eventsCovered(checkpoint)} events` })
    } else if (!verify(null, signed, publicKey, Buffer.from(signature, 'base64'))) {
      results.push({ file, problem: `${name}'s signature does not verify with the checkpoint key` })
    } else results.push({ file, checkpoint })
  }
  return results
}

export const publicKeyOf = (privateKey: KeyObject) => createPublicKey(privateKey)
