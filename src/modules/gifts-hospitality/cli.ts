import fs from 'node:fs'
import path from 'node:path'
import cliProgress from 'cli-progress'
import { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { withServices } from '../../services.js'
import { ImportProblemsError } from './bulk-import.js'
import type { StreamImportProgress } from './import.js'

interface ImportOptions {
  force: string
  dryRun?: boolean
}

/** One progress bar on standard error: how much of the file has been read, checked and loaded. */
function progressBar(fileBytes: number): { onProgress: StreamImportProgress; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: 'Importing [{bar}] {percentage}% | {rows} rows', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    onProgress({ rows, bytes, writing }) {
      if (writing) {
        if (started) bar.stop()
        started = false
        // Only where the bar is drawn (a terminal): the write can take minutes after the bar is full.
        if (process.stderr.isTTY)
          process.stderr.write(
            `Writing ${rows.toLocaleString('en-GB')} rows into the register in one transaction…\n`,
          )
        return
      }
      if (!started) bar.start(Math.max(fileBytes, 1), 0, { rows: 0 })
      started = true
      bar.update(bytes, { rows })
    },
    stop() {
      if (started) bar.stop()
    },
  }
}

/** `probity gifts import FILE --force CODE [--dry-run]`: a large file of historic records, streamed. */
export function giftsCommand(): Command {
  const gifts = new Command('gifts').description('The gifts and hospitality register of each force')
  gifts
    .command('import')
    .description(
      'Import historic gifts and hospitality from a CSV file of any size, with the columns of the web ' +
        'import (staff_number, kind, description, donor_name, donor_type, estimated_value, offered_on, ' +
        'declared_on, outcome, approver, disposal, notes). Records already on the register are left as ' +
        'they are. Any bad row and nothing is written.',
    )
    .argument('<file>', 'the CSV file')
    .requiredOption('--force <code>', 'the force whose register it is, e.g. cheshire (see /api/forces)')
    .option('--dry-run', 'check the file and say what would be added, but write nothing')
    .action(async (file: string, options: ImportOptions) => {
      let size: number
      try {
        const stat = await fs.promises.stat(file)
        if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
        size = stat.size
      } catch (error) {
        throw new ValidationError({ file: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}` })
      }
      const filename = path.basename(file)
      await withServices(loadConfig().database, async (services) => {
        const progress = progressBar(size)
        let result: Awaited<ReturnType<typeof services.giftsHospitality.importStream>>
        try {
          result = await services.giftsHospitality.importStream(
            SYSTEM_CALLER,
            { forceCode: options.force, filename, source: fs.createReadStream(file) },
            { dryRun: options.dryRun ?? false, onProgress: progress.onProgress },
          )
        } catch (error) {
          progress.stop()
          if (error instanceof ImportProblemsError) {
            for (const problem of error.problems) console.error(`line ${problem.line}: ${problem.reason}`)
            if (error.more) console.error(error.more)
          }
          if (error instanceof ValidationError && error.fieldErrors.force)
            throw new ValidationError({ force: `--force: ${error.fieldErrors.force}` })
          throw error
        }
        progress.stop()
        const counts = `${result.unchanged} already on the register (unchanged)`
        console.log(
          result.dryRun
            ? `Dry run of ${filename} for ${result.force.name}: ${result.added} to add, ${counts}. Nothing was written.`
            : `Imported ${filename} into ${result.force.name}'s gifts and hospitality register: ${result.added} added, ${counts}.`,
        )
      })
    })
  return gifts
}
