import { describe, expect, it } from 'vitest'
import { evaluateIndicator, settingsWithDefaults, windowStart } from './early-intervention.js'

describe('early-intervention indicators', () => {
  const gifts = { indicator: 'gifts', threshold: 4, window: 12 } as const

  it('fires at its line and not one below', () => {
    const three = ['2012-03-01', '2012-06-01', '2012-12-30']
    const below = evaluateIndicator(gifts, three, '2012-12-31')
    expect(below).toMatchObject({ count: 3, fires: false })
    const at = evaluateIndicator(gifts, [...three, '2012-12-31'], '2012-12-31')
    expect(at).toMatchObject({ count: 4, fires: true })
    expect(at.reason).toBe('4 offers of gifts or hospitality in the last 12 months; your force’s line is 4')
  })

  it('counts only the days inside the rolling window, ending today', () => {
    const days = ['2011-12-31', '2012-01-01', '2012-12-31', '2013-01-01']
    expect(evaluateIndicator(gifts, days, '2012-12-31').count).toBe(2)
    const media = { indicator: 'media-contacts', threshold: 1, window: 90 } as const
    expect(evaluateIndicator(media, ['2012-10-02', '2012-10-03'], '2012-12-31')).toMatchObject({
      count: 1,
      countText: '1 media contact in the last 90 days',
    })
  })

  it('goes back whole calendar months, to the end of a shorter month', () => {
    expect(windowStart('2012-12-31', 12, 'months')).toBe('2011-12-31')
    expect(windowStart('2012-03-31', 1, 'months')).toBe('2012-02-29')
    expect(windowStart('2012-02-29', 12, 'months')).toBe('2011-02-28')
    expect(windowStart('2012-01-15', 24, 'months')).toBe('2010-01-15')
    expect(windowStart('2012-03-01', 1, 'days')).toBe('2012-02-29')
  })

  it('uses the force’s own settings where it has them and the defaults for the rest', () => {
    const settings = settingsWithDefaults([{ indicator: 'alerts', threshold: 9, window: 6 }])
    expect(settings.find((setting) => setting.indicator === 'alerts')).toEqual({
      indicator: 'alerts',
      threshold: 9,
      window: 6,
    })
    expect(settings.find((setting) => setting.indicator === 'gifts')).toEqual(gifts)
    expect(settings.map((setting) => setting.indicator)).toEqual([
      'gifts',
      'media-contacts',
      'cases',
      'alerts',
    ])
  })
})
