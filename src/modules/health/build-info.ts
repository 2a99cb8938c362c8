import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface BuildInfo {
  version: string
  commit: string
}

// The same paths from src/modules/health and from dist/modules/health: `npm run build` writes
// build-info.json at the top of dist/, and package.json sits at the repository's root either way.
const BUILD_INFO = new URL('../../build-info.json', import.meta.url)
const PACKAGE_JSON = new URL('../../../package.json', import.meta.url)

/** The version and commit this process runs: from the build, else from the checkout (development). */
export function readBuildInfo(environment: NodeJS.ProcessEnv = process.env): BuildInfo {
  const { version } = JSON.parse(fs.readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }
  if (fs.existsSync(BUILD_INFO)) {
    const built = JSON.parse(fs.readFileSync(BUILD_INFO, 'utf8')) as Partial<BuildInfo>
    return { version, commit: built.commit ?? 'unknown' }
  }
  return { version, commit: environment.SOURCE_COMMIT ?? checkoutCommit() }
}

function checkoutCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return 'unknown'
  }
}
