/**
 * `npm run build`: compiles src/ to dist/ and copies beside it everything the app reads at run time
 * (views, templates, migrations, reference data, assets), so production runs plain JavaScript.
 * `--no-check` writes the same files without type checking them, for the build's own test: `npm test`
 * has type checked every file already (`npm run check`), and checking costs most of the build's time.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = path.join(root, 'src')
const output = path.join(root, 'dist')

const { values: options } = parseArgs({ options: { 'no-check': { type: 'boolean', default: false } } })

fs.rmSync(output, { recursive: true, force: true })
const tscArgs = ['-p', 'tsconfig.build.json', ...(options['no-check'] ? ['--noCheck'] : [])]
execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), tscArgs, {
  cwd: root,
  stdio: 'inherit',
})

let copied = 0
fs.cpSync(source, output, {
  recursive: true,
  filter: (from) => {
    if (fs.statSync(from).isDirectory()) return true
    if (from.endsWith('.ts')) return false
    copied += 1
    return true
  },
})

const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  version: string
}
const buildInfo = { version, commit: sourceCommit(), builtAt: new Date().toISOString() }
fs.writeFileSync(path.join(output, 'build-info.json'), `${JSON.stringify(buildInfo, null, 2)}\n`)
console.log(
  `Built dist/ (version ${version}, commit ${buildInfo.commit}), with ${copied} files copied beside the code`,
)

/** The commit built: SOURCE_COMMIT when the checkout has no .git (a container build), else git's HEAD. */
function sourceCommit(): string {
  if (process.env.SOURCE_COMMIT) return process.env.SOURCE_COMMIT
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}
