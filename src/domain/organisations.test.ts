import { describe, expect, it } from 'vitest'
import { companyNumber, organisationKey } from './organisations.js'

describe('organisation names', () => {
  it('makes one key of the ways a name is written', () => {
    for (const name of [
      'Radio Systems plc',
      'RADIO SYSTEMS LIMITED',
      'Radio-Systems Ltd.',
      ' radio  systems ',
    ])
      expect(organisationKey(name)).toBe('radio systems')
  })

  it('reads & as and, and drops apostrophes and full stops inside words', () => {
    expect(organisationKey('Smith & Sons Limited')).toBe('smith and sons')
    expect(organisationKey('Smith and Sons')).toBe('smith and sons')
    expect(organisationKey("O'Neill's B.T. Services LLP")).toBe('oneills bt services')
  })

  it('drops a legal suffix only at the end', () => {
    expect(organisationKey('Limited Editions Ltd')).toBe('limited editions')
    expect(organisationKey('PLC Holdings')).toBe('plc holdings')
  })
})

describe('company numbers', () => {
  it('takes Companies House numbers, padding short ones', () => {
    expect(companyNumber('1234567')).toBe('01234567')
    expect(companyNumber(' sc123456 ')).toBe('SC123456')
    expect(companyNumber('OC 301234')).toBe('OC301234')
  })

  it('refuses anything else', () => {
    for (const text of ['', 'ABC', '123456789', 'S1234567', 'SC12345X'])
      expect(companyNumber(text)).toBeUndefined()
  })
})
