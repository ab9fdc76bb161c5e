import { describe, expect, it } from 'vitest'
import { nextEvalVersion } from './eval-version.js'

describe('evaluation versions', () => {
  it('follow the clock when nothing newer is stored', () => {
    expect(nextEvalVersion(1_000, 0)).toBe(1_000)
    expect(nextEvalVersion(1_000, 500, 900)).toBe(1_000)
  })

  it('stay strictly increasing within a process when the clock stands still or steps back', () => {
    expect(nextEvalVersion(1_000, 1_000)).toBe(1_001)
    expect(nextEvalVersion(900, 1_000)).toBe(1_001)
  })

  it('exceed the highest stored version, whichever clock wrote it', () => {
    // A previous leader an hour ahead stored 1_000 + 3_600_000; this instance's clock says 1_000.
    expect(nextEvalVersion(1_000, 0, 3_601_000)).toBe(3_601_001)
    expect(nextEvalVersion(1_000, 3_601_001, 3_601_000)).toBe(3_601_002)
  })
})
