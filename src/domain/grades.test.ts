import { describe, expect, it } from 'vitest'
import { isAtLeast, isChiefOfficerGrade, seniority, standardGrade } from './grades.js'

describe('grades', () => {
  it('recognises ranks as forces write them', () => {
    expect(standardGrade('DCI')).toBe('Chief Inspector')
    expect(standardGrade(' detective   sergeant ')).toBe('Sergeant')
    expect(standardGrade('Ch. Supt')).toBe('Chief Superintendent')
    expect(standardGrade('Chief Constable')).toBe('Chief Constable')
    expect(standardGrade('Grand Vizier')).toBeUndefined()
  })

  it('orders them by seniority, unknown grades lowest', () => {
    expect(seniority('Constable')).toBeLessThan(seniority('Sergeant'))
    expect(seniority('Superintendent')).toBeLessThan(seniority('Chief Superintendent'))
    expect(seniority('Grand Vizier')).toBe(-1)
  })

  it('compares a grade with a publication threshold', () => {
    expect(isAtLeast('ACC', 'Chief Superintendent')).toBe(true)
    expect(isAtLeast('Chief Superintendent', 'Chief Superintendent')).toBe(true)
    expect(isAtLeast('DCI', 'Chief Superintendent')).toBe(false)
    expect(isAtLeast('Grand Vizier', 'Police Community Support Officer')).toBe(false)
  })

  it('knows the chief officer ranks, the Metropolitan ones too, and nothing below them', () => {
    for (const grade of [
      'ACC',
      'Deputy Chief Constable',
      'Chief Constable',
      'Commander',
      'DAC',
      'Commissioner',
    ])
      expect(isChiefOfficerGrade(grade)).toBe(true)
    for (const grade of ['Constable', 'Chief Superintendent', 'Police Staff Director', 'Grand Vizier', ''])
      expect(isChiefOfficerGrade(grade)).toBe(false)
    expect(seniority('Commander')).toBeGreaterThan(seniority('Chief Superintendent'))
  })
})
