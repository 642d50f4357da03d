import { describe, expect, it } from 'vitest'
import { apRegion, datelineProblems, EMPTY_DATELINE, formatApDate, formatDateline, isStandaloneCity } from '../../src/shared/dateline'

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

  it('writes US states as AP does, however the reporter typed them', () => {
    expect(at({ city: 'Springfield', region: 'Illinois' })).toBe('SPRINGFIELD, Ill. —')
    expect(at({ city: 'Springfield', region: 'IL', country: 'USA' })).toBe('SPRINGFIELD, Ill. —')
    expect(at({ city: 'Salem', region: 'or', country: 'United States' })).toBe('SALEM, Ore. —')
    expect(at({ city: 'Albany', region: 'n.y.' })).toBe('ALBANY, N.Y. —')
    expect(at({ city: 'Charleston', region: 'West Virginia' })).toBe('CHARLESTON, W.Va. —')
    expect(at({ city: 'Sacramento', region: 'CA' })).toBe('SACRAMENTO, Calif. —')
    expect(at({ city: 'Olympia', region: 'Washington' })).toBe('OLYMPIA, Wash. —')
    // The eight AP never abbreviates, typed as postal codes or in full.
    const whole = { AK: 'Alaska', HI: 'Hawaii', ID: 'Idaho', IA: 'Iowa', ME: 'Maine', OH: 'Ohio', TX: 'Texas', UT: 'Utah' }
    for (const [postal, name] of Object.entries(whole)) {
      expect(apRegion(postal)).toBe(name)
      expect(apRegion(name.toUpperCase())).toBe(name)
    }
    // Cities that stand alone take no state; regions elsewhere stay as written.
    expect(at({ city: 'Chicago', region: 'Illinois' })).toBe('CHICAGO —')
    expect(at({ city: 'Toronto', region: 'ON', country: 'Canada' })).toBe('TORONTO —')
    expect(at({ city: 'Kingston', region: 'ON', country: 'Canada' })).toBe('KINGSTON, ON —')
    expect(at({ city: 'Tbilisi', country: 'Georgia' })).toBe('TBILISI, Georgia —')
    expect(apRegion('Bavaria', 'Germany')).toBe('Bavaria')
    expect(apRegion('Georgia', 'Georgia')).toBe('Georgia')
  })

  it('says what is wrong with a date that does not exist or a state that is none', () => {
    expect(datelineProblems({ ...EMPTY_DATELINE, city: 'Springfield', region: 'Illinois', date: '2026-02-14' })).toEqual({})
    expect(datelineProblems({ ...EMPTY_DATELINE, date: '2026-02-30' })).toEqual({ date: '“2026-02-30” is not a date in the calendar: pick the day again.' })
    expect(datelineProblems({ ...EMPTY_DATELINE, region: 'Ilinois', country: 'US' })).toEqual({ region: '“Ilinois” is not a US state: write the state\'s name, e.g. Illinois.' })
    expect(datelineProblems({ ...EMPTY_DATELINE, region: 'Ontario', country: 'Canada' })).toEqual({})
  })
})
