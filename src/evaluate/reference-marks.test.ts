import { describe, expect, it } from 'vitest'
import { dependentWindows } from './reference-marks.js'

describe('dependentWindows', () => {
  const H = 3_600_000
  const r = { modelId: 'm', modelVersion: 'v1', startMs: 10 * H, windowMs: H }

  it('the N windows after a changed window use it as reference', () => {
    expect(dependentWindows([r], () => 3).map((w) => w.startMs)).toEqual([11 * H, 12 * H, 13 * H])
    expect(dependentWindows([r], () => 1)).toEqual([{ ...r, startMs: 11 * H }])
  })

  it('a model with a fixed reference or a baseline has no dependents', () => {
    expect(dependentWindows([r], () => null)).toEqual([])
    expect(dependentWindows([], () => 2)).toEqual([])
  })
})
