import type { PGlite } from '@electric-sql/pglite'

/**
 * Readies the embedded engine to trap during the next protocol message, as a fault inside PGlite would:
 * as that message starts, PostgreSQL's error context stack gets an entry whose callback is null (memory
 * the engine overwrote would hold one). If the message raises a notice (RAISE_A_NOTICE), the notice walks
 * the stack into WebAssembly's "null function or function signature mismatch", the trap the
 * hostile-input test saw.
 */
export function trapOnNextMessage(client: PGlite): void {
  const { mod } = client as unknown as {
    mod: {
      HEAPU8: Uint8Array
      _error_context_stack: number
      _malloc(bytes: number): number
      _PostgresMainLoopOnce(): void
    }
  }
  const entry = mod._malloc(12)
  const runOnce = mod._PostgresMainLoopOnce
  mod._PostgresMainLoopOnce = () => {
    mod._PostgresMainLoopOnce = runOnce
    const memory = new DataView(mod.HEAPU8.buffer)
    for (const offset of [0, 4, 8]) memory.setUint32(entry + offset, 0, true)
    memory.setUint32(mod._error_context_stack, entry, true)
    runOnce()
  }
}

/** A statement that raises a notice, so walks the error context stack. */
export const RAISE_A_NOTICE = "do $$ begin raise notice 'this notice walks the error context stack'; end $$"
