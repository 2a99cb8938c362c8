import v8 from 'node:v8'
import type { PGlite } from '@electric-sql/pglite'

/**
 * Guards around PGlite's engine (0.5.16): PostgreSQL compiled to WebAssembly, run on the process's only
 * thread, one protocol message at a time. A loop in it stops every request, timer and shutdown with it,
 * and a fault in it leaves PostgreSQL's state broken: its WebAssembly is compiled on its own thread,
 * before each message its error context stack is emptied, after each its timers are stopped, and the
 * first fault stops it for good.
 */

/**
 * V8 compiles WebAssembly on background threads as well as on the engine's own. With them, the
 * hostile-input test's matches query trapped ("null function or function signature mismatch") in about
 * one run in thirty under load, and one in ten with every message also written to a file, whatever the
 * messages: a failing run's 2,955 messages, replayed 135 times, never trapped. With WebAssembly compiled
 * on the engine's thread alone, 78 runs with the messages written trapped in none. Keeping JavaScript's
 * optimising compiler, or the garbage collector, off the background threads did not stop the traps. The
 * flag is the process's and is read as the engine's code is compiled, so it is set as this module loads:
 * every opening of an embedded database imports it first (through `connection.ts`).
 */
v8.setFlagsFromString('--wasm-num-compilation-tasks=0')

/** The engine's internals the guards reach. */
interface Engine {
  mod: {
    HEAPU8: Uint8Array
    _error_context_stack: number
    _PostgresMainLoopOnce(): void
    _clear_setitimer(): void
    stackRestore(pointer: number): void
  }
  /** The status of the exception PostgreSQL's error recovery throws (its longjmp) to unwind a message. */
  POSTGRES_MAIN_LONGJMP: number
  execProtocolRawSync(message: Uint8Array): Uint8Array
}

/** The embedded engine failed and was stopped: nothing it answers from then on can be trusted. */
export class EmbeddedEngineFailedError extends Error {}

const guarded = new WeakSet<PGlite>()

/** Puts the guards around an opened client's engine, once however often it is handed over. */
export function guardEmbeddedEngine(client: PGlite): void {
  if (guarded.has(client)) return
  guarded.add(client)
  const engine = client as unknown as Engine
  const failure = stopAfterFailure(engine)
  const execute = engine.execProtocolRawSync.bind(client)
  engine.execProtocolRawSync = (message) => {
    const failed = failure()
    if (failed) throw failed
    emptyErrorContext(engine)
    try {
      return execute(message)
    } catch (error) {
      throw failure() ?? error
    } finally {
      // A stopped engine is not called again.
      if (!failure()) stopTimers(engine)
    }
  }
}

/**
 * PostgreSQL arms a timer for its timeouts (a statement's, and every ten seconds the one that flushes
 * its statistics while idle), and PGlite runs it as a JavaScript timer that fires into the engine
 * between two messages, even in the middle of a transaction, so that the flush ran inside the next
 * query, where PostgreSQL never runs it. With those timers the hostile-input test's matches query
 * trapped ("null function or function signature mismatch") in about one run in eight under load; with
 * none left it did in 1 of 21, so they were one cause, not the only one (the other: WebAssembly compiled
 * on background threads, above). No timer can stop a statement here anyway (it runs to its end on this
 * thread), so none is left running after a message: PostgreSQL takes a timer that never fired as lost and
 * arms it again when it needs one, and flushes its statistics when next idle.
 */
function stopTimers(engine: Engine): void {
  engine.mod._clear_setitimer()
}

/**
 * PGlite can leave PostgreSQL's error context stack pointing into a call that has ended. A later call
 * that pushes its context at the same address makes the stack a cycle, and the next error or notice
 * walks it for ever. Caught in the tests here (a transaction's first statement spinning in `errfinish`
 * over an entry that was its own predecessor). Between two protocol messages PostgreSQL's stack is
 * always empty (its error recovery empties it, and every call pops what it pushed), so it is emptied
 * before each one.
 */
function emptyErrorContext(engine: Engine): void {
  // Read each time: the engine's memory is a new buffer once it has grown.
  const { HEAPU8, _error_context_stack: stackAddress } = engine.mod
  new DataView(HEAPU8.buffer).setUint32(stackAddress, 0, true)
}

/**
 * PGlite runs a message in a loop that swallows every exception but PostgreSQL's own longjmp and goes
 * on until the message is read (electric-sql/pglite#1058). When the engine itself fails (a WebAssembly
 * trap such as "null function or function signature mismatch", or PostgreSQL exiting on a FATAL error
 * it then raises) the loop never ends: seen in the hostile-input test, where each turn appended the
 * single-user prompt to an array until V8 aborted the process. A trap also leaves PostgreSQL's state
 * broken, so that later queries answer wrongly (an empty result for `select 2`). So the first such
 * exception stops the engine for good: the loop is left at once, by throwing from the stack restore its
 * catch calls first, and every later message is refused.
 */
function stopAfterFailure(engine: Engine): () => EmbeddedEngineFailedError | undefined {
  const { mod } = engine
  let failed: EmbeddedEngineFailedError | undefined
  const runOnce = mod._PostgresMainLoopOnce
  mod._PostgresMainLoopOnce = () => {
    try {
      runOnce()
    } catch (error) {
      if ((error as { status?: unknown } | undefined)?.status !== engine.POSTGRES_MAIN_LONGJMP && !failed) {
        const cause = error instanceof Error ? error.message : String(error)
        failed = new EmbeddedEngineFailedError(
          `The embedded database stopped after its engine failed (${cause}); restart the service`,
          { cause: error },
        )
      }
      throw error
    }
  }
  const stackRestore = mod.stackRestore
  mod.stackRestore = (pointer) => {
    stackRestore(pointer)
    if (failed) throw failed
  }
  return () => failed
}
