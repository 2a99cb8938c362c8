import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { CliFolder, freePort, kill, repoRoot, waitForOutput } from './support/processes.js'

/** `npm run build`, then the production server from dist/: what the README's production section says. */
const folder = new CliFolder('build')
afterAll(() => folder.remove())

/** A GET on a connection of its own (fetch would reuse a kept-alive one, closed under it at shutdown). */
function freshGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        let body = ''
        response.on('data', (chunk) => {
          body += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      })
      .on('error', reject)
  })
}

describe('the production build', () => {
  it('compiles to dist/ with what the app reads beside it, and serves from there with NODE_ENV=production', async () => {
    // Not type checked again: `npm test` has just type checked every file (src/ and more), and checking
    // is most of the build's time; what this test checks is what the build writes and how it runs.
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--no-check'], {
      cwd: repoRoot,
    })
    const dist = path.join(repoRoot, 'dist')
    for (const file of [
      'cli.js',
      'build-info.json',
      'web/views/layout.njk',
      'db/migrations/meta/_journal.json',
      'modules/forces/reference/forces-2012.csv',
      // Started as a thread of its own by upload-checks.js, so no import names it.
      'modules/imports/check-worker.js',
    ]) {
      expect(fs.existsSync(path.join(dist, file)), file).toBe(true)
    }
    const migrations = fs
      .readdirSync(path.join(repoRoot, 'src/db/migrations'))
      .filter((f) => f.endsWith('.sql'))
    expect(fs.readdirSync(path.join(dist, 'db/migrations')).filter((f) => f.endsWith('.sql'))).toEqual(
      migrations,
    )
    expect(fs.readdirSync(dist, { recursive: true }).some((f) => String(f).endsWith('.test.js'))).toBe(false)

    const port = await freePort()
    const server = spawn(process.execPath, [path.join(repoRoot, 'bin/probity.js'), 'serve'], {
      cwd: folder.folder,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        COOKIE_SECRET: randomBytes(32).toString('hex'),
        DRAIN_SECONDS: '10',
        // What is tested is that it stops cleanly, not how fast: a loaded CI machine once saw exit
        // status 1 here, which the 10 s default timeout would give (3 Dec 2026, its output not kept).
        SHUTDOWN_TIMEOUT_SECONDS: '120',
        DATABASE_URL: '',
        PROBITY_DATA_DIR: folder.dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        // No loader: the production path must not need tsx.
        NODE_OPTIONS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    server.stdout.on('data', (chunk) => {
      output += chunk
    })
    server.stderr.on('data', (chunk) => {
      output += chunk
    })
    try {
      await waitForOutput(server, /Probity is serving/)
      const info = await fetch(`http://127.0.0.1:${port}/info`)
      const built = JSON.parse(fs.readFileSync(path.join(dist, 'build-info.json'), 'utf8'))
      expect(await info.json()).toEqual({ version: built.version, commit: built.commit })
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
      expect((await fetch(`http://127.0.0.1:${port}/forces`)).status).toBe(200)
      // On SIGTERM it first fails its readiness check while still answering, then stops cleanly.
      const exited = once(server, 'exit')
      server.kill('SIGTERM')
      await waitForOutput(server, /draining/)
      // A connection of its own: a kept-alive one may be closed under it once the drain ends.
      const draining = await freshGet(`http://127.0.0.1:${port}/readyz`).catch((error) => {
        throw new Error(`${error}; the server printed:\n${output}`)
      })
      expect(draining.status).toBe(503)
      expect(JSON.parse(draining.body)).toEqual({ status: 'not ready', reason: 'shutting down' })
      const [code] = await exited
      expect(code, `the server printed:\n${output}`).toBe(0)
    } finally {
      await kill(server, 'SIGKILL')
    }
  }, 300_000)

  it('refuses to run in production without a build, and refuses the demo there', async () => {
    const demo = await folder.probity(['serve', '--demo'], {
      NODE_ENV: 'production',
      COOKIE_SECRET: randomBytes(32).toString('hex'),
    })
    expect(demo.code).toBe(1)
    expect(demo.stderr).toMatch(/demo dataset .* refused when NODE_ENV=production/)
    // A copy of the launcher in a folder with no dist/ beside it.
    const bare = path.join(folder.folder, 'no-build')
    fs.mkdirSync(path.join(bare, 'bin'), { recursive: true })
    fs.writeFileSync(path.join(bare, 'package.json'), '{ "type": "module" }\n')
    fs.copyFileSync(path.join(repoRoot, 'bin/probity.js'), path.join(bare, 'bin/probity.js'))
    const result = await promisify(execFile)(process.execPath, [path.join(bare, 'bin/probity.js'), 'serve'], {
      env: { ...process.env, NODE_ENV: 'production' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('run `npm run build` first')
  }, 300_000)
})
