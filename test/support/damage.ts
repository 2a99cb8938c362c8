import fc from 'fast-check'

/**
 * Damaged copies of good files for fuzz tests: one of `seeds`, with a few edits (bytes overwritten,
 * the file cut short, or bytes put in), each at a random place.
 */
export function damagedCopies<Seed>(seeds: Seed[], bytesOf: (seed: Seed) => Buffer) {
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom('overwrite', 'truncate', 'insert'),
          at: fc.double({ min: 0, max: 1, noNaN: true }),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    })
    .map(({ seed, edits }) => {
      let data = Buffer.from(bytesOf(seed))
      for (const edit of edits) {
        const at = Math.floor(edit.at * data.length)
        if (edit.kind === 'truncate') data = data.subarray(0, at)
        else if (edit.kind === 'insert')
          data = Buffer.concat([data.subarray(0, at), Buffer.from(edit.bytes), data.subarray(at)])
        else Buffer.from(edit.bytes).copy(data, at)
      }
      return { seed, data }
    })
}
