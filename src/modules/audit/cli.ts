import { createPublicKey, type KeyObject } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Command } from 'commander'
import { type AuditCheckpointSettings, ConfigError, loadConfig } from '../../config.js'
import { openDatabase } from '../../db/connection.js'
import { migrationStatus } from '../../db/migrate.js'
import { createServices, withServices } from '../../services.js'
import { describeProblem } from './chain.js'
import { checkpointHeads } from './checkpoint-schedule.js'
import { generateCheckpointKey, loadCheckpointKey, publicKeyOf, readCheckpoints } from './checkpoints.js'
import type { NamedCheckpoint } from './service.js'

/** The exit code when the trail is broken: apart from 1, which means the check itself could not run. */
export const BROKEN_TRAIL_EXIT_CODE = 2

/** `probity audit …`: commands an operator runs on the server to check the audit trail. */
export function auditCommand(): Command {
  const audit = new Command('audit').description('Check the tamper-evident audit trail')

  audit
    .command('verify')
    .description(
      'Recompute the hash chain of every audit event and name the first altered or missing one ' +
        `(exit code 0 when intact, ${BROKEN_TRAIL_EXIT_CODE} when broken, 1 when the check could not run)`,
    )
    .option('--json', 'print the result as JSON on standard output')
    .option(
      '--checkpoints <dir>',
      'also check the signed checkpoints in this folder: each must verify, and find every chain’s end it records with its hash',
    )
    .option(
      '--public-key <file>',
      'with --checkpoints: the public key (PEM) to check them with; by default the one of PROBITY_AUDIT_KEY(_FILE)',
    )
    .action(async (options: VerifyOptions) => {
      const config = loadConfig()
      const checkpoints = options.checkpoints
        ? await signedCheckpoints(options.checkpoints, options.publicKey, config.auditCheckpoints)
        : []
      if (checkpoints === undefined) {
        process.exitCode = BROKEN_TRAIL_EXIT_CODE
        return
      }
      const database = await openDatabase(config.database)
      try {
        const status = await migrationStatus(database.db)
        if (!status.current) {
          console.error(
            `probity: The database at ${database.location} is not up to date ` +
              `(${status.applied} of ${status.expected} migrations applied): run probity migrate first.`,
          )
          process.exitCode = 1
          return
        }
        const result = await createServices(database.db).audit.verify(checkpoints)
        const message = result.ok
          ? `Audit trail intact: ${plural(result.events, 'event')} verified in ${plural(result.chains, 'chain')}` +
            (options.checkpoints
              ? `, agreeing with ${checkpoints.length} signed ${checkpoints.length === 1 ? 'checkpoint' : 'checkpoints'}.`
              : '.')
          : `Audit trail broken: ${describeProblem(result)}`
        if (options.json) console.log(JSON.stringify({ ...result, message }))
        else if (result.ok) console.log(message)
        else console.error(message)
        if (!result.ok) process.exitCode = BROKEN_TRAIL_EXIT_CODE
      } finally {
        await database.close()
      }
    })

  audit
    .command('checkpoint')
    .description(
      'Write a signed checkpoint of every chain’s end (its last event’s number and hash) into a folder, to keep outside the database',
    )
    .option('--out <dir>', 'the folder (default PROBITY_AUDIT_CHECKPOINT_DIR)')
    .action(async (options: { out?: string }) => {
      const config = loadConfig()
      const folder = options.out ?? config.auditCheckpoints.folder
      if (!folder)
        throw new ConfigError('Say where to write the checkpoint: --out DIR or PROBITY_AUDIT_CHECKPOINT_DIR')
      const key = await loadCheckpointKey(config.auditCheckpoints)
      await withServices(config.database, async (services) => {
        const written = await checkpointHeads(services.audit, path.resolve(folder), key)
        console.log(
          written
            ? `Checkpoint of ${plural(written.events, 'event')} in ${plural(written.chains, 'chain')} written to ${written.file}`
            : 'The audit trail is empty: there is nothing to checkpoint yet.',
        )
      })
    })

  audit
    .command('keygen')
    .description('Make an Ed25519 key for signing checkpoints; prints the public key to check them elsewhere')
    .requiredOption(
      '--out <file>',
      'where to write the private key (PEM); an existing file is never overwritten',
    )
    .action(async (options: { out: string }) => {
      const { privateKey, publicKey } = generateCheckpointKey()
      try {
        await fs.writeFile(options.out, privateKey, { flag: 'wx', mode: 0o600 })
      } catch {
        throw new ConfigError(`Could not write a new file at ${options.out} (it may exist already)`)
      }
      console.log(
        `Private key written to ${options.out}: set PROBITY_AUDIT_KEY_FILE=${path.resolve(options.out)}`,
      )
      console.log(`Its public key, to verify checkpoints with --public-key:\n${publicKey.trimEnd()}`)
    })

  return audit
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

interface VerifyOptions {
  json?: boolean
  checkpoints?: string
  publicKey?: string
}

/**
 * The checkpoints of the folder, each signature checked; undefined (with every problem printed) when
 * any file is not a good checkpoint, or there is none: a check asked for must have something to check.
 */
async function signedCheckpoints(
  folder: string,
  publicKeyFile: string | undefined,
  settings: AuditCheckpointSettings,
): Promise<NamedCheckpoint[] | undefined> {
  let publicKey: KeyObject
  if (publicKeyFile) {
    try {
      publicKey = createPublicKey(await fs.readFile(publicKeyFile, 'utf8'))
    } catch {
      throw new ConfigError(`No public key in PEM form at ${publicKeyFile}`)
    }
    if (publicKey.asymmetricKeyType !== 'ed25519')
      throw new ConfigError(`The key at ${publicKeyFile} is not an Ed25519 key`)
  } else publicKey = publicKeyOf(await loadCheckpointKey(settings))
  const read = await readCheckpoints(path.resolve(folder), publicKey)
  const problems = read.flatMap((each) => ('problem' in each ? [each.problem] : []))
  for (const problem of problems) console.error(`Checkpoint refused: ${problem}`)
  if (!read.length) console.error(`Audit trail not checked: there are no checkpoints in ${folder}`)
  if (problems.length || !read.length) return undefined
  return read.flatMap((each) => ('checkpoint' in each ? [{ ...each.checkpoint, file: each.file }] : []))
}
