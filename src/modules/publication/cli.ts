import fs from 'node:fs/promises'
import path from 'node:path'
import cliProgress from 'cli-progress'
import { Command } from 'commander'
import { loadConfig } from '../../config.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import { withServices } from '../../services.js'
import { fileName, versionDocument, versionText } from './files.js'
import { dictionaryCsv, openDataCsv, openDataJson, openDataOf } from './open-data.js'
import { CHROMIUM_PATH, pdfAvailable, printPdfs } from './pdf.js'
import { inLanguage, languagesOf, type VersionView } from './present.js'

interface PublishOptions {
  inspection: string
  out: string
  pdf?: boolean
}

/**
 * `probity publish --inspection ID-OR-CODE --out DIR`: generates every force's press release and report
 * and the national review (drafts are regenerated; approved and published versions are kept as they
 * are), then writes each document's latest version: press releases as .md and .txt, reports and the
 * national review as .html and .pdf, and the open data of the published documents with its dictionary.
 */
export function publishCommand(): Command {
  return new Command('publish')
    .description(
      'Generate and write the documents of an inspection: for every force in scope its press release (.md, .txt) and report (.html, .pdf), the national review (.html, .pdf) and the open data (CSV, JSON, data dictionary)',
    )
    .requiredOption('--inspection <id-or-code>', 'the inspection, by id or code (e.g. revisit-2012)')
    .requiredOption('--out <dir>', 'the folder to write into (made if missing)')
    .option('--no-pdf', `write no PDFs (they need Chromium at ${CHROMIUM_PATH})`)
    .action(async (options: PublishOptions) => {
      const printing = options.pdf !== false
      if (printing && !pdfAvailable())
        throw new NotFoundError(
          `PDFs are printed by headless Chromium, which is missing at ${CHROMIUM_PATH}: install it (apt-get install chromium-headless-shell) or run with --no-pdf`,
        )
      await withServices(loadConfig().database, async (services) => {
        const caller = SYSTEM_CALLER
        const inspection =
          (await services.inspections.findByCode(caller, options.inspection)) ??
          (await services.inspections.get(caller, options.inspection).catch(() => undefined))
        if (!inspection) throw new NotFoundError(`No inspection ${options.inspection}: give its id or code`)
        const bar = new cliProgress.SingleBar(
          { format: '{phase} [{bar}] {value}/{total} {label}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
        const forces = await services.publication.forcesInScope(caller, inspection.id)
        bar.start(forces.length + 1, 0, { phase: 'Generating', label: '' })
        try {
          await services.publication.generate(caller, inspection.id, {
            onProgress: (done, _total, label) => bar.update(done, { label }),
          })
        } finally {
          bar.stop()
        }
        const documents = await services.publication.documents(caller, { inspectionId: inspection.id })
        const out = path.resolve(options.out)
        await fs.mkdir(out, { recursive: true })
        const toPrint: { version: VersionView; file: string }[] = []
        let written = 0
        for (const document of documents) {
          const version = document.latest
          if (!version) continue
          const folder = path.join(out, version.force?.code ?? 'national')
          await fs.mkdir(folder, { recursive: true })
          if (version.kind === 'press-release') {
            // A Welsh force's release in each language: `gwent-press-release-v1.md` and `….cy.md`.
            for (const language of languagesOf(version)) {
              const release = inLanguage(version, language)
              await fs.writeFile(path.join(folder, fileName(release, 'md')), release.content)
              await fs.writeFile(path.join(folder, fileName(release, 'txt')), versionText(release))
              written += 2
            }
          } else {
            await fs.writeFile(path.join(folder, fileName(version, 'html')), versionDocument(version))
            written += 1
            if (printing) toPrint.push({ version, file: path.join(folder, fileName(version, 'pdf')) })
          }
        }
        if (toPrint.length) {
          const printBar = new cliProgress.SingleBar(
            { format: 'Printing   [{bar}] {value}/{total} PDFs', stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
          printBar.start(toPrint.length, 0)
          try {
            // One browser for all, in batches, so a long run shows progress.
            for (let start = 0; start < toPrint.length; start += 10) {
              const batch = toPrint.slice(start, start + 10)
              const pdfs = await printPdfs(batch.map((entry) => versionDocument(entry.version)))
              for (const [index, entry] of batch.entries())
                await fs.writeFile(entry.file, pdfs[index] as Buffer)
              written += batch.length
              printBar.update(start + batch.length)
            }
          } finally {
            printBar.stop()
          }
        }
        const published = documents.flatMap((document) =>
          document.versions.filter((v) => v.isPublic).slice(0, 1),
        )
        const data = openDataOf(published, await services.publication.suppressUpTo(inspection.id))
        await fs.writeFile(path.join(out, 'open-data.csv'), openDataCsv(data))
        await fs.writeFile(
          path.join(out, 'open-data.json'),
          `${JSON.stringify(openDataJson(data), null, 2)}\n`,
        )
        await fs.writeFile(path.join(out, 'data-dictionary.csv'), dictionaryCsv())
        written += 3
        const drafts = documents.filter((document) => !document.latest?.isPublic).length
        console.log(
          `Wrote ${written} files for ${forces.length} forces and the national review of ${inspection.code} to ${out}.` +
            (drafts
              ? ` ${drafts} documents are not published yet: their files are marked with their status, and the open data has only published figures.`
              : ''),
        )
      })
    })
}
