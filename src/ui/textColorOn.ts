/**
 * Words on a person's colour (caret labels, avatars): white where it reads at 4.5:1 (WCAG 1.4.3),
 * else the page's ink. The caret palette has light colours (amber #c0862b is 3.1:1 under white,
 * issue 15), and a person's colour is theirs to keep: the words change, not the colour.
 */

const WHITE = '#fff'
const INK = '#1d1d1f'

/** WCAG 2 relative luminance of `#rgb` or `#rrggbb`, or null for any other colour. */
function luminance(color: string): number | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1]
  if (!hex) return null
  const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex
  const [r = 0, g = 0, b = 0] = [0, 2, 4].map((at) => {
    const channel = parseInt(full.slice(at, at + 2), 16) / 255
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** The colour for text on `background`: white, or ink where white would read at under 4.5:1. */
export function textColorOn(background: string | undefined): string {
  const lum = background === undefined ? null : luminance(background)
  if (lum === null) return WHITE
  return 1.05 / (lum + 0.05) >= 4.5 ? WHITE : INK
}
