import { describe, expect, it } from 'vitest'
import { backoffDelayMs } from './backoff.js'

describe('backoffDelayMs', () => {
  const policy = { baseMs: 100, capMs: 1000 }
  it('grows exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 4, 50].map((a) => backoffDelayMs(a, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999])
  })
  it('is full jitter: zero at random() = 0', () => {
    expect(backoffDelayMs(5, policy, () => 0)).toBe(0)
  })
})
