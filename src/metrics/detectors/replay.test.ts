import { describe, expect, it } from 'vitest'
import * as detectors from './index.js'
import { replay } from './replay.js'

describe('replay', () => {
  it('collects drift indices from any iterable, and no warnings for detectors without a zone', () => {
    function* steps(): Generator<number> {
      for (let i = 0; i < 200; i++) yield i < 100 ? 0 : 1000
    }
    const r = replay(new detectors.PageHinkley({ minInstances: 1 }), steps())
    expect(r.drifts[0]).toBe(100)
    expect(r.warnings).toEqual([])
  })

  it('reports every drift, the detector resetting after each', () => {
    // Ddm with no warm-up: s_min = 0 after the leading zeros, so the first 1 is a drift (4);
    // after the reset one 0 then one 1 again (6); the last 1 only starts a new window.
    const r = replay(new detectors.Ddm({ warmStart: 0 }), [0, 0, 0, 0, 1, 0, 1, 1])
    expect(r).toEqual({ drifts: [4, 6], warnings: [] })
    expect(replay(new detectors.Ddm(), [])).toEqual({ drifts: [], warnings: [] })
  })

  it('the index exports every detector', () => {
    for (const name of ['Adwin', 'Ddm', 'Eddm', 'HddmA', 'Kswin', 'PageHinkley', 'replay']) {
      expect(typeof (detectors as Record<string, unknown>)[name]).toBe('function')
    }
  })
})
