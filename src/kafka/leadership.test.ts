import { describe, expect, it } from 'vitest'
import { Lease } from './leadership.js'

describe('Lease', () => {
  const clocks = () => {
    const c = { wallMs: 1_800_000_000_000, monoMs: 5_000 }
    return { c, lease: new Lease(5_000, { wall: () => c.wallMs, mono: () => c.monoMs }) }
  }

  it('holds only once confirmed, and for less than its span after each confirmation', () => {
    const { c, lease } = clocks()
    expect(lease.valid()).toBe(false)
    lease.confirm()
    c.wallMs += 4_999
    c.monoMs += 4_999
    expect(lease.valid()).toBe(true)
    c.wallMs += 1
    c.monoMs += 1
    expect(lease.valid()).toBe(false)
    lease.confirm()
    expect(lease.valid()).toBe(true)
  })

  it('lapses when either clock says the span has passed: a suspended machine, a wall clock set back', () => {
    const { c, lease } = clocks()
    lease.confirm()
    c.wallMs += 60_000 // suspended: the monotonic clock stood still
    expect(lease.valid()).toBe(false)
    lease.confirm()
    c.wallMs -= 3_600_000 // set back an hour, while 6 s pass
    c.monoMs += 6_000
    expect(lease.valid()).toBe(false)
  })
})
