/** Structured datelines and their AP-style rendering (../shared/NEWSROOM.md, "Dateline text"). */

/** The dateline as stored: parts only; the text is always derived. */
export interface Dateline {
  city: string
  region: string
  country: string
  /** ISO date `YYYY-MM-DD`, or empty when the date is not shown. */
  date: string
  /** Wire source such as `AP`, or empty. */
  source: string
}

export const EMPTY_DATELINE: Readonly<Dateline> = Object.freeze({
  city: '',
  region: '',
  country: '',
  date: '',
  source: '',
})

/** AP month style: five months abbreviated, March-July spelled out, Sept. with four letters. */
const AP_MONTHS = [
  'Jan.', 'Feb.', 'March', 'April', 'May', 'June',
  'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.',
] as const

/**
 * Cities that stand alone in an AP dateline (the AP Stylebook's domestic and international
 * lists): they print without a state or country.
 */
const STANDALONE_CITIES = new Set([
  // United States
  'ATLANTA', 'BALTIMORE', 'BOSTON', 'CHICAGO', 'CINCINNATI', 'CLEVELAND', 'DALLAS', 'DENVER',
  'DETROIT', 'HONOLULU', 'HOUSTON', 'INDIANAPOLIS', 'LAS VEGAS', 'LOS ANGELES', 'MIAMI',
  'MILWAUKEE', 'MINNEAPOLIS', 'NEW ORLEANS', 'NEW YORK', 'OKLAHOMA CITY', 'PHILADELPHIA',
  'PHOENIX', 'PITTSBURGH', 'ST. LOUIS', 'SALT LAKE CITY', 'SAN ANTONIO', 'SAN DIEGO',
  'SAN FRANCISCO', 'SEATTLE', 'WASHINGTON',
  // International
  'AMSTERDAM', 'BAGHDAD', 'BANGKOK', 'BEIJING', 'BEIRUT', 'BERLIN', 'BRUSSELS', 'CAIRO',
  'DJIBOUTI', 'DUBLIN', 'GENEVA', 'GIBRALTAR', 'GUATEMALA CITY', 'HAVANA', 'HELSINKI',
  'HONG KONG', 'ISLAMABAD', 'ISTANBUL', 'JERUSALEM', 'JOHANNESBURG', 'KABUL', 'KUWAIT CITY',
  'LONDON', 'LUXEMBOURG', 'MACAU', 'MADRID', 'MEXICO CITY', 'MILAN', 'MONACO', 'MONTREAL',
  'MOSCOW', 'MUNICH', 'NEW DELHI', 'OTTAWA', 'PANAMA CITY', 'PARIS', 'PRAGUE', 'QUEBEC CITY',
  'RIO DE JANEIRO', 'ROME', 'SAN MARINO', 'SAO PAULO', 'SHANGHAI', 'SINGAPORE', 'STOCKHOLM',
  'SYDNEY', 'TOKYO', 'TORONTO', 'VATICAN CITY', 'VIENNA', 'ZURICH',
])

/** Whether AP style prints this city without a state or country. */
export function isStandaloneCity(city: string): boolean {
  return STANDALONE_CITIES.has(city.trim().toUpperCase())
}

/** `2016-09-04` → `Sept. 4`; anything that is not a real ISO date gives ''. */
export function formatApDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate.trim())
  if (!match) return ''
  const month = Number(match[2])
  const day = Number(match[3])
  const probe = new Date(Date.UTC(Number(match[1]), month - 1, day))
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return ''
  return `${AP_MONTHS[month - 1]} ${day}`
}

/**
 * The dateline's text without the trailing dash, e.g. `HANGZHOU, China, Sept. 4 (AP)`;
 * '' when there is no city.
 */
export function datelineLocation(dateline: Dateline): string {
  const city = dateline.city.trim().toUpperCase()
  if (!city) return ''
  const parts = [city]
  if (!isStandaloneCity(city)) {
    const place = dateline.region.trim() || dateline.country.trim()
    if (place) parts.push(place)
  }
  const date = formatApDate(dateline.date)
  if (date) parts.push(date)
  let text = parts.join(', ')
  const source = dateline.source.trim().replace(/^\(+|\)+$/g, '')
  if (source) text += ` (${source})`
  return text
}

/** The full AP dateline as it stands before the body: `HANGZHOU, China —`, or ''. */
export function formatDateline(dateline: Dateline): string {
  const location = datelineLocation(dateline)
  return location ? `${location} —` : ''
}
