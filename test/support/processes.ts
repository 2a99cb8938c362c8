import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runProbity } from './cli-runner.js'
import { copyMigratedDataDir } from './migrated-snapshot.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** Starts a TypeScript entry point of this repo in its own Node process, as the CLI would run. */
export function spawnTypeScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Resolves once the child's output matches, or rejects if it exits first. */
export function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (pattern.test(output)) {
        child.stdout?.off('data', onData)
        child.stderr?.off('data', onData)
        resolve(output)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before printing ${pattern}:\n${output}`)),
    )
  })
}

export async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const exited = once(child, 'exit')
  child.kill(signal)
  const [code] = await exited
  return code as number | null
}

/** A loopback port nothing listens on now, for a server a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })
}

/** Runs a command to completion and returns what it printed and its exit code. */
export async function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawnTypeScript(script, args, env)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  const [code] = await once(child, 'exit')
  return { code: code as number | null, stdout, stderr }
}

/**
 * A throwaway folder for command-line tests, with the embedded database's data folder inside it,
 * already migrated (every command would migrate it first anyway; this spares each test initdb).
 */
export class CliFolder {
  readonly folder: string
  readonly dataDir: string

  constructor(name: string) {
    this.folder = fs.mkdtempSync(path.join(os.tmpdir(), `probity-${name}-`))
    this.dataDir = path.join(this.folder, 'data')
    copyMigratedDataDir(this.dataDir)
  }

  /** The environment of `probity …` on the embedded database in this folder, whatever the shell has set. */
  env(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { DATABASE_URL: '', PROBITY_DATA_DIR: this.dataDir, NODE_ENV: '', ...env }
  }

  /** Runs `probity …` on the embedded database in this folder (in this process: see cli-runner.ts). */
  probity(args: string[], env: NodeJS.ProcessEnv = {}) {
    return runProbity(args, { env: this.env(env) })
  }

  /** Writes a file into the folder and returns its path. */
  writeFile(name: string, content: string): string {
    const file = path.join(this.folder, name)
    fs.writeFileSync(file, content)
    return file
  }

  remove(): void {
    fs.rmSync(this.folder, { recursive: true, force: true })
  }
}
