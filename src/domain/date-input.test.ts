import { describe, expect, it } from 'vitest'
import {
  dateField,
  dateInputText,
  datePartsForInput,
  datePartsInError,
  gatherDateInputs,
  optionalDateField,
} from './date-input.js'

const offered = dateField('Date of the offer')
const messageOf = (value: unknown) => {
  const parsed = offered.safeParse(value)
  return parsed.success ? undefined : parsed.error.issues[0]?.message
}

describe('a date entered in GOV.UK date input fields', () => {
  it('reads a real date as 2012-03-27', () => {
    expect(offered.parse({ day: '27', month: '3', year: '2012' })).toBe('2012-03-27')
    expect(offered.parse({ day: '01', month: '09', year: '2011' })).toBe('2011-09-01')
  })

  it('says what is missing, in the Design System’s words', () => {
    expect(messageOf({ day: '', month: '', year: '' })).toBe('Enter date of the offer')
    expect(messageOf({ day: '27', month: '', year: '2012' })).toBe('Date of the offer must include a month')
    expect(messageOf({ day: '', month: '', year: '2012' })).toBe(
      'Date of the offer must include a day and month',
    )
    expect(messageOf({ day: '27', month: '3', year: '' })).toBe('Date of the offer must include a year')
  })

  it('refuses a day that does not exist, or letters', () => {
    expect(messageOf({ day: '30', month: '2', year: '2012' })).toBe('Date of the offer must be a real date')
    expect(messageOf({ day: '27', month: '13', year: '2012' })).toBe('Date of the offer must be a real date')
    expect(messageOf({ day: 'x', month: '3', year: '2012' })).toBe('Date of the offer must be a real date')
  })

  it('checks the year has four numbers and falls in a sensible range', () => {
    expect(messageOf({ day: '27', month: '3', year: '12' })).toBe(
      'Date of the offer must have a year with 4 numbers',
    )
    expect(messageOf({ day: '1', month: '1', year: '0000' })).toBe(
      'Date of the offer must be between 1900 and 2100',
    )
    expect(messageOf({ day: '1', month: '1', year: '9999' })).toBe(
      'Date of the offer must be between 1900 and 2100',
    )
    expect(messageOf('0000-01-01')).toBe('Date of the offer must be a real date, like 2012-03-27')
  })

  it('marks only the fields at fault', () => {
    expect(datePartsInError({ day: '27', month: '', year: '2012' }, true)).toEqual(['month'])
    expect(datePartsInError({ day: '32', month: '3', year: '2012' }, true)).toEqual(['day'])
    expect(datePartsInError({ day: '27', month: '3', year: '12' }, true)).toEqual(['year'])
    // A real date with an error of another kind (say, before the start): all three.
    expect(datePartsInError({ day: '27', month: '3', year: '2012' }, true)).toEqual(['day', 'month', 'year'])
    expect(datePartsInError({ day: '', month: '', year: '' }, false)).toEqual([])
  })
})

describe('the same field read from the API, a link or a file', () => {
  it('takes one text value, 2012-03-27 or 27/3/2012', () => {
    expect(offered.parse('2012-03-27')).toBe('2012-03-27')
    expect(offered.parse('27/3/2012')).toBe('2012-03-27')
    expect(messageOf('31/2/2012')).toBe('Date of the offer must be a real date, like 2012-03-27')
    expect(messageOf(undefined)).toBe('Enter date of the offer')
  })

  it('may be left out when optional', () => {
    const to = optionalDateField('Offered to')
    expect(to.parse(undefined)).toBeUndefined()
    expect(to.parse({ day: '', month: '', year: '' })).toBeUndefined()
    expect(to.safeParse({ day: '3', month: '', year: '' }).error?.issues[0]?.message).toBe(
      'Offered to must include a month and year',
    )
  })
})

describe('a form’s date input fields', () => {
  it('are gathered under the date’s name, leaving other fields alone', () => {
    expect(
      gatherDateInputs({
        kind: 'gift',
        'offeredOn-day': ' 27 ',
        'offeredOn-month': '3',
        'offeredOn-year': '2012',
      }),
    ).toEqual({ kind: 'gift', offeredOn: { day: '27', month: '3', year: '2012' } })
    expect(gatherDateInputs({ 'to-year': '2012' })).toEqual({ to: { day: '', month: '', year: '2012' } })
  })

  it('show again what was typed, or a stored date, in three fields', () => {
    expect(datePartsForInput('2012-03-07')).toEqual({ day: '7', month: '3', year: '2012' })
    expect(datePartsForInput({ day: '7', month: 'x', year: '' })).toEqual({ day: '7', month: 'x', year: '' })
    expect(datePartsForInput(undefined)).toEqual({ day: '', month: '', year: '' })
    // A list's link carries what was typed as one value and shows it again in the three fields.
    const typed = { day: '31', month: '', year: '2012' }
    expect(datePartsForInput(dateInputText(typed))).toEqual(typed)
    expect(dateInputText({ day: '1', month: '4', year: '2011' })).toBe('2011-04-01')
  })
})
