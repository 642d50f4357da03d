import { describe, expect, it } from 'vitest'
import { textColorOn } from '../../src/ui/textColorOn'

describe('textColorOn', () => {
  it('keeps white on the dark caret colours and turns to ink on the light ones (4.5:1, WCAG 1.4.3)', () => {
    const palette = ['#b4451f', '#1f6fb4', '#2e7d32', '#8e24aa', '#c0862b', '#00838f', '#ad1457', '#5d4037']
    expect(palette.map(textColorOn)).toEqual(['#fff', '#fff', '#fff', '#fff', '#1d1d1f', '#fff', '#fff', '#fff'])
  })

  it('reads short hex colours, and leaves white on colours it cannot read', () => {
    expect(textColorOn('#ff0')).toBe('#1d1d1f')
    expect(textColorOn('#000')).toBe('#fff')
    expect(textColorOn('rebeccapurple')).toBe('#fff')
    expect(textColorOn(undefined)).toBe('#fff')
  })
})
