import { Readable } from 'node:stream'
import { format } from 'node:util'
import { runCli } from '../../src/cli.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface CliRun {
  /** Variables set for the command only, as a shell's `X=value probity …` sets them. */
  env?: NodeJS.ProcessEnv
  /** What the command reads from standard input. */
  stdin?: string
}

let running: Promise<unknown> = Promise.resolve()

/**
 * Runs `probity …` inside the test's own process: the program bin/probity.js runs, with its
 * environment, standard input, output and exit status, without the seconds a new Node process spends
 * loading the app each time. Output goes through a pipe as far as the command can tell (no TTY), as
 * when a script captures it. Tests about the process itself (signals, a server holding the data
 * folder, the compiled build) start a real one with processes.ts instead.
 */
export function runProbity(args: string[], options: CliRun = {}): Promise<CliResult> {
  // The process's environment and streams are borrowed for the run, so runs take turns.
  const result = running.then(() => runBorrowingProcess(args, options))
  running = result.catch(() => undefined)
  return result
}

async function runBorrowingProcess(args: string[], { env = {}, stdin = '' }: CliRun): Promise<CliResult> {
  const output = { stdout: '', stderr: '' }
  const restore = [
    borrowEnvironment(env),
    borrow(process, 'stdin', Readable.from(stdin ? [Buffer.from(stdin)] : [])),
    ...(['stdout', 'stderr'] as const).flatMap((name) => [
      borrow(process[name], 'isTTY', false),
      borrow(process[name], 'write', (chunk: string | Uint8Array, ...rest: unknown[]) => {
        output[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
        const callback = rest.find((argument) => typeof argument === 'function')
        if (callback) (callback as () => void)()
        return true
      }),
    ]),
    ...(['log', 'info'] as const).map((method) => borrow(console, method, printTo(output, 'stdout'))),
    ...(['warn', 'error'] as const).map((method) => borrow(console, method, printTo(output, 'stderr'))),
  ]
  const exitCodeBefore = process.exitCode
  process.exitCode = undefined
  try {
    const status = await runCli(['node', 'probity', ...args])
    return { code: status || Number(process.exitCode ?? 0), ...output }
  } finally {
    process.exitCode = exitCodeBefore
    for (const undo of restore.reverse()) undo()
  }
}

function printTo(output: { stdout: string; stderr: string }, stream: 'stdout' | 'stderr') {
  return (...values: unknown[]) => {
    output[stream] += `${format(...values)}\n`
  }
}

/** Replaces a property for the run; returns what puts the original back. */
function borrow<T extends object, K extends keyof T>(target: T, key: K, value: unknown): () => void {
  const original = Object.getOwnPropertyDescriptor(target, key)
  Object.defineProperty(target, key, { value, configurable: true, writable: true })
  return () => {
    if (original) Object.defineProperty(target, key, original)
    else delete target[key]
  }
}

function borrowEnvironment(env: NodeJS.ProcessEnv): () => void {
  const before = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]))
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  return () => {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}
