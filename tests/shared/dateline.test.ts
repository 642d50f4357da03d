import { describe, expect, it } from 'vitest'
import { EMPTY_DATELINE, formatApDate, formatDateline, isStandaloneCity } from '../../src/shared/dateline'

const at = (parts: Partial<typeof EMPTY_DATELINE>) => formatDateline({ ...EMPTY_DATELINE, ...parts })

describe('AP dateline', () => {
  it('puts the city in capitals and the country after it', () => {
    expect(at({ city: 'Hangzhou', country: 'China' })).toBe('HANGZHOU, China —')
  })

  it('prefers the region (state) to the country', () => {
    expect(at({ city: 'Springfield', region: 'Ill.', country: 'United States' })).toBe('SPRINGFIELD, Ill. —')
  })

  it('prints standalone cities alone', () => {
    for (const city of ['Washington', 'NEW YORK', 'london', 'Paris', 'Beijing', 'Moscow', 'Tokyo', 'Hong Kong', 'Jerusalem']) {
      expect(isStandaloneCity(city)).toBe(true)
      expect(at({ city, country: 'Somewhere' })).toBe(`${city.toUpperCase()} —`)
    }
    expect(isStandaloneCity('Hangzhou')).toBe(false)
  })

  it('uses AP months and no leading zero', () => {
    const months = ['Jan.', 'Feb.', 'March', 'April', 'May', 'June', 'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.']
    months.forEach((month, index) => {
      const iso = `2016-${String(index + 1).padStart(2, '0')}-04`
      expect(formatApDate(iso)).toBe(`${month} 4`)
    })
    expect(at({ city: 'Hangzhou', country: 'China', date: '2016-09-04' })).toBe('HANGZHOU, China, Sept. 4 —')
  })

  it('adds the source in parentheses before the dash', () => {
    expect(at({ city: 'Hangzhou', country: 'China', date: '2016-09-04', source: 'AP' })).toBe('HANGZHOU, China, Sept. 4 (AP) —')
    expect(at({ city: 'London', source: '(Reuters)' })).toBe('LONDON (Reuters) —')
  })

  it('renders nothing without a city and ignores impossible dates', () => {
    expect(at({ country: 'China' })).toBe('')
    expect(formatApDate('2016-02-30')).toBe('')
    expect(formatApDate('yesterday')).toBe('')
  })
})
