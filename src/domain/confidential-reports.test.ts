import { describe, expect, it } from 'vitest'
import {
  attachmentKind,
  checkFormToken,
  FORM_CHALLENGE,
  formTokenReusable,
  issueFormToken,
  keptUntil,
  lastClosedDayDue,
  newPassphrase,
  newReceiptCode,
  typedPassphrase,
  typedReceiptCode,
  workDone,
} from './confidential-reports.js'

const SECRET = 'a test secret for report forms'
const at = (seconds: number) => new Date(Date.UTC(2012, 11, 31, 10, 0, seconds))

describe('receipt codes and passphrases', () => {
  it('are read back however they are typed, with confusable letters as digits', () => {
    const code = newReceiptCode()
    expect(code).toMatch(/^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    expect(typedReceiptCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code)
    expect(typedReceiptCode('r-oi2l 0000')).toBe('R-0121-0000')
    expect(typedReceiptCode('R-123')).toBeUndefined()
    const passphrase = newPassphrase()
    expect(passphrase).toMatch(/^([0-9A-Z]{4}-){4}[0-9A-Z]{4}$/)
    expect(typedPassphrase(passphrase.replace(/-/g, '').toLowerCase())).toBe(passphrase)
    expect(typedPassphrase('short')).toBeUndefined()
  })
})

describe('the report form’s challenge', () => {
  const token = issueFormToken(SECRET, 'alpha', at(0))

  it('wants the form open long enough, or shorter with the proof of work, and not too long', () => {
    expect(checkFormToken(SECRET, 'alpha', token, undefined, at(FORM_CHALLENGE.minimumSeconds - 1))).toEqual({
      ok: false,
      reason: 'too-soon',
    })
    expect(checkFormToken(SECRET, 'alpha', token, undefined, at(FORM_CHALLENGE.minimumSeconds)).ok).toBe(true)
    let proof = 0
    while (!workDone(token, String(proof))) proof++
    expect(
      checkFormToken(SECRET, 'alpha', token, String(proof), at(FORM_CHALLENGE.minimumSecondsWithWork)).ok,
    ).toBe(true)
    expect(checkFormToken(SECRET, 'alpha', token, String(proof + 1), at(60))).toEqual({
      ok: false,
      reason: 'invalid',
    })
    expect(checkFormToken(SECRET, 'alpha', token, undefined, at(FORM_CHALLENGE.maximumSeconds + 1))).toEqual({
      ok: false,
      reason: 'expired',
    })
  })

  it('refuses a token signed for another force, with another key, or altered', () => {
    expect(checkFormToken(SECRET, 'bravo', token, undefined, at(60)).ok).toBe(false)
    expect(checkFormToken('another secret', 'alpha', token, undefined, at(60)).ok).toBe(false)
    const [issued, nonce, signature] = token.split('.')
    expect(
      checkFormToken(SECRET, 'alpha', `${Number(issued) - 60_000}.${nonce}.${signature}`, undefined, at(60))
        .ok,
    ).toBe(false)
    expect(formTokenReusable(SECRET, 'alpha', token, at(5))).toBe(true)
    expect(formTokenReusable(SECRET, 'alpha', 'nonsense', at(5))).toBe(false)
  })
})

describe('retention', () => {
  it('keeps a report its days after closing, and deletes it the day after', () => {
    expect(keptUntil('2012-01-31', 30)).toBe('2012-03-01')
    expect(lastClosedDayDue('2012-03-02', 30)).toBe('2012-01-31')
    expect(lastClosedDayDue('2012-03-01', 30)).toBe('2012-01-30')
  })
})

describe('attachment kinds', () => {
  it('are known by their first bytes, a Word document also by its name', () => {
    expect(attachmentKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'a.txt')).toBe('jpeg')
    expect(attachmentKind(Buffer.from('%PDF-1.7'), 'photo.jpg')).toBe('pdf')
    expect(attachmentKind(Buffer.from('PK\x03\x04rest', 'latin1'), 'notes.docx')).toBe('docx')
    expect(attachmentKind(Buffer.from('PK\x03\x04rest', 'latin1'), 'archive.zip')).toBeUndefined()
    expect(attachmentKind(Buffer.from('GIF89a'), 'a.gif')).toBeUndefined()
  })
})
