// Child process for embedded-database.test.ts: puts in PostgreSQL's error context stack the cycle PGlite
// can leave there (an entry that is its own predecessor), between two messages, then asks for a notice,
// which walks the stack. Unless the stack is emptied before the message, this process spins for ever.
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { embeddedHandle } from '../../src/db/connection.js'

interface Engine {
  mod: {
    HEAPU8: Uint8Array
    _error_context_stack: number
    _malloc(bytes: number): number
    addFunction(run: (argument: number) => void, signature: string): number
  }
}

const client = await PGlite.create()
const handle = embeddedHandle(client, { kind: 'embedded', dataDir: 'memory://' })
const { mod } = client as unknown as Engine
// An entry of three words: its predecessor (itself), its callback (one that does nothing, as the one seen
// spinning returned each time) and the callback's argument.
const entry = mod._malloc(12)
const callback = mod.addFunction(() => {}, 'vi')
const memory = new DataView(mod.HEAPU8.buffer)
memory.setUint32(entry, entry, true)
memory.setUint32(entry + 4, callback, true)
memory.setUint32(entry + 8, 0, true)
memory.setUint32(mod._error_context_stack, entry, true)
await handle.db.execute(sql`do $$ begin raise notice 'this notice walks the error context stack'; end $$`)
console.log('answered')
await handle.close()
