import zlib from 'node:zlib'

export interface ZipPart {
  name: string
  data: Buffer | string
  /** What the zip's directory says the part inflates to, where a test makes it lie. */
  declaredSize?: number
}

/**
 * A zip archive made by hand (deflated parts, central directory), so tests can build workbooks no
 * spreadsheet program would write: millions of rows in seconds, parts that lie about their size, zip
 * bombs, archives of thousands of files.
 */
export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = []
  const directory: Buffer[] = []
  let offset = 0
  for (const part of parts) {
    const data = Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data)
    const compressed = zlib.deflateRawSync(data)
    const name = Buffer.from(part.name)
    const size = part.declaredSize ?? data.length
    const crc = zlib.crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, compressed)
    directory.push(central, name)
    offset += local.length + name.length + compressed.length
  }
  const directoryBytes = Buffer.concat(directory)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(directoryBytes.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directoryBytes, end])
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A sheet's XML: rows of inline strings, as many as `rows` yields (a generator, so millions are cheap). */
export function sheetXml(rows: Iterable<string[]>, tail = ''): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>']
  let number = 0
  for (const row of rows) {
    number++
    const cells = row.map((text) => `<c t="inlineStr"><is><t>${escapeXml(text)}</t></is></c>`).join('')
    parts.push(`<row r="${number}">${cells}</row>`)
  }
  parts.push(`</sheetData></worksheet>${tail}`)
  return parts.join('')
}

/** A minimal .xlsx workbook with one sheet (the parts a reader needs), and any extra parts. */
export function workbook(sheet: string | Buffer, extra: ZipPart[] = []): Buffer {
  return zip([
    {
      name: '_rels/.rels',
      data: '<Relationships><Relationship Id="rId1" Type="officeDocument" Target="xl/workbook.xml"/></Relationships>',
    },
    {
      name: 'xl/workbook.xml',
      data: '<workbook xmlns:r="r"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: '<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
    ...extra,
  ])
}
