import path from 'node:path'
import cliProgress from 'cli-progress'
import { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { withServices } from '../../services.js'
import { readLocalFile } from '../../spreadsheets/read.js'
import { moreProblems } from '../../spreadsheets/validate.js'
import type { ImportProgress } from './import.js'

interface ImportOptions {
  force: string
  dryRun?: boolean
}

/** One progress bar on standard error, restarted for each phase (checking the rows, then writing). */
function progressBar(): { onProgress: ImportProgress; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {value}/{total} rows', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  let phase: string | undefined
  return {
    onProgress(next, done, total) {
      if (next !== phase) {
        if (phase) bar.stop()
        phase = next
        bar.start(total, done, { phase: next === 'checking' ? 'Checking' : 'Writing ' })
      } else bar.update(done)
    },
    stop() {
      if (phase) bar.stop()
    },
  }
}

/** `probity roster import FILE --force CODE [--dry-run]`: load a force's roster from its HR export. */
export function rosterCommand(): Command {
  const roster = new Command('roster').description('The staff roster of each force')
  roster
    .command('import')
    .description(
      'Import a force’s roster from a CSV or XLSX file (staff_number, name, grade or rank, unit, ' +
        'start_date, leave_date); people already there are updated by staff number. Any bad row and ' +
        'nothing is written.',
    )
    .argument('<file>', 'the CSV or XLSX file')
    .requiredOption('--force <code>', 'the force whose roster it is, e.g. cheshire (see /api/forces)')
    .option('--dry-run', 'check the file and say what would change, but write nothing')
    .action(async (file: string, options: ImportOptions) => {
      await withServices(loadConfig().database, async (services) => {
        const upload = await readLocalFile(file, services.pendingImports.limits.bytes)
        const rows = await services.pendingImports.readUpload(upload)
        const progress = progressBar()
        let outcome: Awaited<ReturnType<typeof services.roster.importRows>>
        try {
          outcome = await services.roster.importRows(
            SYSTEM_CALLER,
            { forceCode: options.force, filename: path.basename(file), rows },
            { dryRun: options.dryRun ?? false, onProgress: progress.onProgress },
          )
        } catch (error) {
          if (error instanceof ValidationError && error.fieldErrors.force)
            throw new ValidationError({ force: `--force: ${error.fieldErrors.force}` })
          throw error
        } finally {
          progress.stop()
        }
        const { plan, result } = outcome
        for (const problem of plan.problems) console.error(`line ${problem.line}: ${problem.reason}`)
        if (plan.problemCount) {
          if (plan.problemCount > plan.problems.length)
            console.error(moreProblems(plan.problemCount - plan.problems.length))
          const count = plan.problemCount
          throw new ValidationError({
            file: `${count} bad row${count === 1 ? '' : 's'} in ${plan.filename}: nothing was written`,
          })
        }
        const counts = (added: number, updated: number, unchanged: number) =>
          `${added} to add, ${updated} to update, ${unchanged} unchanged`
        if (!result) {
          console.log(
            `Dry run of ${plan.filename} for ${plan.force.name}: ${counts(plan.toAdd.length, plan.toUpdate.length, plan.unchanged)}. Nothing was written.`,
          )
          for (const update of plan.toUpdate) {
            const changes = update.changes.map(
              (change) => `${change.label} ${change.before || '–'} → ${change.after || '–'}`,
            )
            console.log(`  line ${update.line}: ${update.row.staffNumber}: ${changes.join('; ')}`)
          }
          return
        }
        console.log(
          `Imported ${plan.filename} into ${result.force.name}'s roster: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged.`,
        )
      })
    })
  return roster
}
