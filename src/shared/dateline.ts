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

/**
 * The US states as AP writes them in datelines, with their full names and postal codes: AP's
 * abbreviation for most (`Ill.`, `Calif.`), the name in full for the eight AP never abbreviates.
 */
const US_STATES: ReadonlyArray<readonly [name: string, postal: string, ap: string]> = [
  ['Alabama', 'AL', 'Ala.'], ['Alaska', 'AK', 'Alaska'], ['Arizona', 'AZ', 'Ariz.'], ['Arkansas', 'AR', 'Ark.'],
  ['California', 'CA', 'Calif.'], ['Colorado', 'CO', 'Colo.'], ['Connecticut', 'CT', 'Conn.'], ['Delaware', 'DE', 'Del.'],
  ['Florida', 'FL', 'Fla.'], ['Georgia', 'GA', 'Ga.'], ['Hawaii', 'HI', 'Hawaii'], ['Idaho', 'ID', 'Idaho'],
  ['Illinois', 'IL', 'Ill.'], ['Indiana', 'IN', 'Ind.'], ['Iowa', 'IA', 'Iowa'], ['Kansas', 'KS', 'Kan.'],
  ['Kentucky', 'KY', 'Ky.'], ['Louisiana', 'LA', 'La.'], ['Maine', 'ME', 'Maine'], ['Maryland', 'MD', 'Md.'],
  ['Massachusetts', 'MA', 'Mass.'], ['Michigan', 'MI', 'Mich.'], ['Minnesota', 'MN', 'Minn.'], ['Mississippi', 'MS', 'Miss.'],
  ['Missouri', 'MO', 'Mo.'], ['Montana', 'MT', 'Mont.'], ['Nebraska', 'NE', 'Neb.'], ['Nevada', 'NV', 'Nev.'],
  ['New Hampshire', 'NH', 'N.H.'], ['New Jersey', 'NJ', 'N.J.'], ['New Mexico', 'NM', 'N.M.'], ['New York', 'NY', 'N.Y.'],
  ['North Carolina', 'NC', 'N.C.'], ['North Dakota', 'ND', 'N.D.'], ['Ohio', 'OH', 'Ohio'], ['Oklahoma', 'OK', 'Okla.'],
  ['Oregon', 'OR', 'Ore.'], ['Pennsylvania', 'PA', 'Pa.'], ['Rhode Island', 'RI', 'R.I.'], ['South Carolina', 'SC', 'S.C.'],
  ['South Dakota', 'SD', 'S.D.'], ['Tennessee', 'TN', 'Tenn.'], ['Texas', 'TX', 'Texas'], ['Utah', 'UT', 'Utah'],
  ['Vermont', 'VT', 'Vt.'], ['Virginia', 'VA', 'Va.'], ['Washington', 'WA', 'Wash.'], ['West Virginia', 'WV', 'W.Va.'],
  ['Wisconsin', 'WI', 'Wis.'], ['Wyoming', 'WY', 'Wyo.'], ['District of Columbia', 'DC', 'D.C.'],
]

/** A state as typed, reduced for lookup: case, dots and spaces do not matter (`n.y.`, `NY`, `New York`). */
const stateKey = (text: string) => text.toUpperCase().replace(/[.\s]/g, '')

/** Every way a reporter may type a state (name, postal code, AP form) → AP form. */
const AP_STATE = new Map<string, string>(US_STATES.flatMap(([name, postal, ap]) => [[stateKey(name), ap], [stateKey(postal), ap], [stateKey(ap), ap]] as const))

/** What the country field may say for the United States. */
const UNITED_STATES = new Set(['US', 'USA', 'UNITEDSTATES', 'UNITEDSTATESOFAMERICA', 'AMERICA'])

/** Whether the dateline is in the United States, or names no country (a state then reads as one). */
function usOrUnstated(country: string): boolean {
  const key = stateKey(country)
  return key === '' || UNITED_STATES.has(key)
}

/**
 * The state or region as AP prints it: a US state (its name, its postal code or its AP form, as a
 * reporter may type it) in AP form (`Illinois`, `IL` → `Ill.`; `Texas` stays whole), when the
 * country is the United States or not given; anything else as written (`Ontario`, `Bavaria`).
 */
export function apRegion(region: string, country = ''): string {
  const written = region.trim()
  if (!written || !usOrUnstated(country)) return written
  return AP_STATE.get(stateKey(written)) ?? written
}

/**
 * What is wrong with a dateline, by field, in words for the person filling it in (empty when
 * nothing is): a date that does not exist, a US "state" that is none.
 */
export function datelineProblems(dateline: Dateline): Partial<Record<'date' | 'region', string>> {
  const problems: Partial<Record<'date' | 'region', string>> = {}
  const date = dateline.date.trim()
  if (date && !formatApDate(date)) problems.date = `“${date}” is not a date in the calendar: pick the day again.`
  const region = dateline.region.trim()
  if (region && UNITED_STATES.has(stateKey(dateline.country)) && !AP_STATE.has(stateKey(region))) {
    problems.region = `“${region}” is not a US state: write the state's name, e.g. Illinois.`
  }
  return problems
}

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
    const place = apRegion(dateline.region, dateline.country) || dateline.country.trim()
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
