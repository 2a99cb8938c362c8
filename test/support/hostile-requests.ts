import { randomBytes } from 'node:crypto'
import fc from 'fast-check'

/**
 * Requests an attacker or a careless client might send, for the hostile-input walk: broken and odd
 * JSON, forms and uploads, hostile text and numbers in every field, odd headers and query strings.
 */

/** Names that forms, filters and the API read, so generated values reach real fields. */
const FIELD_NAMES = [
  'email',
  'password',
  'q',
  'page',
  'sort',
  'order',
  'status',
  'force',
  'forceCode',
  'code',
  'name',
  'title',
  'kind',
  'type',
  'source',
  'from',
  'to',
  'census',
  'asOf',
  'staffNumber',
  'summary',
  'description',
  'notes',
  'note',
  'text',
  'body',
  'estimatedValue',
  'value',
  'offeredOn',
  'openedOn',
  'submittedOn',
  'contactOn',
  'targetDate',
  'reviewDate',
  'deadline',
  'outcome',
  'category',
  'nature',
  'employer',
  'hoursPerWeek',
  'paid',
  'donorName',
  'donorType',
  'journalist',
  'outlet',
  'purpose',
  'discussed',
  'role',
  'unit',
  'grade',
  'area',
  'item',
  'reason',
  'recommendation',
  'decision',
  'action',
  'confidential',
  'assignedTo',
  'versionId',
  'userId',
  'returnTo',
  'postsFunded',
  'postsFilled',
  'kinds',
  'comment',
  'evidence',
  'rating',
  'offeredOn-day',
  'offeredOn-month',
  'offeredOn-year',
  'restricted',
  'audience',
  'questions',
  'scope',
  'version',
] as const

const HOSTILE_TEXT = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDBFF',
  '__proto__',
  'constructor',
  'prototype',
  '',
  ' ',
  '\r\n',
  '\t',
  '0000-01-01',
  '9999-12-31',
  '2012-02-30',
  '31/13/2012',
  '-1',
  '0',
  'NaN',
  'Infinity',
  '1e308',
  '2147483648',
  '-2147483649',
  '99999999999999999999',
  '0x10',
  "'; drop table users; --",
  '<script>alert(1)</script>',
  '{{ 7*7 }}',
  '../../../etc/passwd',
  '%00',
  '%',
  'true',
  'null',
  '[]',
  '{}',
  'e\u0301',
  '\u202Eevil',
  '\uFEFF',
  '😀',
  '=cmd|"/c calc"!A1',
  'x'.repeat(5_000),
  'ü'.repeat(70_000),
]

const HOSTILE_NUMBERS = [
  2147483648,
  -2147483649,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER + 2,
  -1,
  0,
  0.5,
  1.005,
  1e21,
]

const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
)

const fieldName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'a.b', 'a[b]', '\u0000'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
)

/** Any JSON value, biased to the ones that break things: deep, wide, huge, NUL-laden, half-characters. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fieldName, tie('value'), { maxKeys: 6 }),
  ),
})).value

export interface HostileRequest {
  label: string
  headers: Record<string, string>
  payload?: string | Buffer
  query: string
}

const BROKEN_JSON = [
  '{"a":',
  '',
  '{',
  '[',
  'nul',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  'null',
  '1e999',
  '"\\ud800"',
  '{"a":"\\u0000"}',
  '{"a":1,"a":2}',
  '\uFEFF{}',
  `${'['.repeat(5_000)}`,
]

/** Percent-encodes text as UTF-8, as a browser would; half-characters become U+FFFD on the way. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
}

/** Query strings: hostile values, repeated keys, and broken percent-escapes (invalid UTF-8 included). */
export const hostileQuery: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fieldName,
        fc.oneof(
          hostileText.map(percentEncoded),
          fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%80', '%00', '%FF%FE', 'a%2', '%25%00'),
        ),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((pairs) => pairs.map(([key, value]) => `${percentEncoded(key)}=${value}`).join('&')),
)

function formBody(fields: [string, string][], csrfToken: string): string {
  const body = new URLSearchParams([['_csrf', csrfToken], ...fields])
  return body.toString()
}

function multipartBody(
  fields: [string, string][],
  csrfToken: string,
  file: { name: string; filename: string; type: string; data: Buffer } | undefined,
  boundary: string,
): Buffer {
  const parts: Buffer[] = []
  for (const [name, value] of [['_csrf', csrfToken] as [string, string], ...fields])
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    )
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    )
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(parts)
}

const hostileFileData = fc.oneof(
  fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    Buffer.from('PK\u0003\u0004not really a zip'),
    Buffer.from('staff_number,name\r\n"unterminated,quote\r\n'),
    Buffer.from('\uFEFFstaff_number,name,grade\n\u0000,\uD800,x\n'),
    Buffer.from(`${'a,'.repeat(5_000)}\n`),
    Buffer.from('%PDF-1.4\n%%EOF'),
    Buffer.alloc(0),
  ),
  fc
    .array(fc.array(hostileText, { maxLength: 6 }), { maxLength: 20 })
    .map((rows) => Buffer.from(rows.map((row) => row.map((cell) => `"${cell}"`).join(',')).join('\n'))),
)

const hostileFile = fc.record({
  name: fc.constantFrom('file', 'files', 'document', 'upload', '\u0000'),
  filename: fc.constantFrom(
    'roster.csv',
    'x.xlsx',
    'a.pdf',
    '../../etc/passwd',
    'nul\u0000.csv',
    '',
    'é.docx',
  ),
  type: fc.constantFrom(
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/octet-stream',
    'application/pdf',
    'x/y',
  ),
  data: hostileFileData,
})

const acceptHeader = fc.constantFrom(
  '*/*',
  'application/json',
  'text/html',
  'garbage/x;q=nope',
  '',
  'text/csv',
)

/** A request body with its headers: JSON (broken or hostile), a form, an upload, or a mislabelled body. */
export function hostileBody(csrfToken: string): fc.Arbitrary<Omit<HostileRequest, 'query'>> {
  const fields = fc.array(fc.tuple(fieldName, hostileText), { maxLength: 8 })
  const json = hostileJson.map((value) => ({
    label: 'hostile JSON',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(value) ?? 'null',
  }))
  const brokenJson = fc
    .tuple(
      fc.constantFrom(...BROKEN_JSON),
      fc.constantFrom('application/json', 'application/json; charset=latin1'),
    )
    .map(([payload, type]) => ({ label: 'broken JSON', headers: { 'content-type': type }, payload }))
  const form = fields.map((pairs) => ({
    label: 'hostile form',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody(pairs, csrfToken),
  }))
  const upload = fc
    .tuple(
      fc.array(fc.tuple(fieldName, hostileText), { maxLength: 35 }),
      fc.option(hostileFile, { nil: undefined }),
    )
    .map(([pairs, file]) => {
      const boundary = `----hostile${randomBytes(6).toString('hex')}`
      return {
        label: `hostile upload with ${pairs.length} fields${file ? ` and ${file.filename}` : ''}`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: multipartBody(pairs, csrfToken, file, boundary),
      }
    })
  const brokenUpload = fc
    .constantFrom(
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary=nope',
      'multipart/mixed; boundary=x',
    )
    .map((type) => ({
      label: 'broken multipart',
      headers: { 'content-type': type },
      payload: `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrfToken}\r\n--x`,
    }))
  const mislabelled = fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'x/y; charset=bogus',
        'application/x-www-form-urlencoded',
      ),
      fc.constantFrom('{"a":1}', '<a/>', '\u0000\u0001', 'a=%ZZ&b', ''),
    )
    .map(([type, payload]) => ({ label: `mislabelled ${type}`, headers: { 'content-type': type }, payload }))
  const none = fc.constant({ label: 'no body', headers: {}, payload: undefined })
  return fc.oneof(json, brokenJson, form, upload, brokenUpload, mislabelled, none)
}

/** A whole hostile request for a route: its body (for methods that take one), query and headers. */
export function hostileRequest(method: string, csrfToken: string): fc.Arbitrary<HostileRequest> {
  const body =
    method === 'GET' ? fc.constant({ label: 'GET', headers: {}, payload: undefined }) : hostileBody(csrfToken)
  return fc
    .tuple(body, hostileQuery, acceptHeader, fc.constantFrom(undefined, 'short', 'long'))
    .map(([request, query, accept, lengthMismatch]) => {
      const headers: Record<string, string> = { ...request.headers, accept, 'x-csrf-token': csrfToken }
      const length = request.payload === undefined ? 0 : Buffer.byteLength(request.payload)
      // A content-length that is not the body's: shorter cuts the body off, longer never arrives.
      if (lengthMismatch === 'short' && length > 1) headers['content-length'] = String(length - 1)
      if (lengthMismatch === 'long') headers['content-length'] = String(length + 10)
      const label = `${request.label}${lengthMismatch ? `, content-length too ${lengthMismatch}` : ''}`
      return { ...request, headers, query, label }
    })
}
