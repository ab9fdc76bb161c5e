import { describe, expect, it } from 'vitest'
import { parseRange } from './recompute.js'

describe('recompute --from/--to', () => {
  it('takes dates (UTC midnight) and date-times with an offset', () => {
    expect(parseRange({ from: '2026-11-01', to: '2026-11-08T12:00:00+02:00' })).toEqual({ fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 10, 8, 10) })
  })

  it.each([
    [{ from: 'yesterday', to: '2026-11-08' }, /--from: "yesterday" is not a date/],
    [{ from: '2026-11-01', to: '2026-13-01' }, /--to: "2026-13-01" is not a date/],
    [{ from: '2026-11-08', to: '2026-11-01' }, /--from must be before --to/],
    [{ from: '2026-11-01', to: '2026-11-01' }, /--from must be before --to/],
  ])('refuses %j', (flags, message) => {
    expect(() => parseRange(flags)).toThrow(message)
  })
})
