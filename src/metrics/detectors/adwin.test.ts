import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { Adwin } from './adwin.js'
import { replay } from './replay.js'

const streams = fixture.streams as Record<string, { values?: number[] }>
const doc = streams['river-doc-12345']!.values!
const multi = streams['multi-shift']!.values!

describe('Adwin', () => {
  it("has River's defaults", () => {
    const d = new Adwin()
    expect([d.delta, d.clock, d.maxBuckets, d.minWindowLength, d.gracePeriod]).toEqual([0.002, 32, 5, 5, 10])
  })

  it("River's docstring example: one drift, at index 1023 (value 4)", () => {
    expect(replay(new Adwin(), doc).drifts).toEqual([1023])
    expect(doc[1023]).toBe(4)
  })

  it('update returns the detector', () => {
    const d = new Adwin()
    expect(d.update(1)).toBe(d)
  })

  it('keeps window statistics: width, total, mean and population variance', () => {
    const d = new Adwin()
    for (const x of [1, 2, 3, 4, 5]) d.update(x)
    expect(d.width).toBe(5)
    expect(d.total).toBe(15)
    expect(d.estimation).toBe(3)
    expect(d.variance).toBeCloseTo(2, 12)
  })

  it('shrinks the window on a drift and resets on the next update', () => {
    const d = new Adwin()
    let i = 0
    while (!d.update(doc[i]!).driftDetected) i++
    expect(i).toBe(1023)
    expect(d.width).toBeLessThan(1024)
    d.update(doc[i + 1]!)
    expect(d.driftDetected).toBe(false)
    expect(d.width).toBe(1)
  })

  it('after a drift behaves exactly as a fresh detector on the rest of the stream', () => {
    const all = replay(new Adwin(), multi).drifts
    const after = all[0]! + 1
    const fresh = replay(new Adwin(), multi.slice(after)).drifts.map((i) => i + after)
    expect(fresh).toEqual(all.slice(1))
  })

  it('checks only every `clock` updates', () => {
    const drifts = replay(new Adwin({ clock: 32 }), multi).drifts
    for (const i of drifts) expect((i + 1) % 32).toBe(0)
  })

  it('detects nothing on a constant stream, and a single value is not a drift', () => {
    const d = new Adwin({ clock: 1 })
    expect(replay(d, Array<number>(5000).fill(-7.25)).drifts).toEqual([])
    expect(d.variance).toBe(0)
    const one = new Adwin().update(42)
    expect([one.driftDetected, one.width, one.estimation]).toEqual([false, 1, 42])
    expect(new Adwin().estimation).toBe(0)
  })

  it('throws RangeError on NaN and ±Infinity and leaves the state untouched', () => {
    const d = new Adwin()
    const drifts: number[] = []
    doc.forEach((x, i) => {
      if (i % 100 === 0) {
        for (const bad of [Number.NaN, Infinity, -Infinity]) expect(() => d.update(bad)).toThrow(RangeError)
      }
      if (d.update(x).driftDetected) drifts.push(i)
    })
    expect(drifts).toEqual([1023])
  })

  it('rejects invalid options', () => {
    expect(() => new Adwin({ delta: 0 })).toThrow(RangeError)
    expect(() => new Adwin({ delta: 1 })).toThrow(RangeError)
    expect(() => new Adwin({ clock: 0 })).toThrow(RangeError)
    expect(() => new Adwin({ maxBuckets: 0 })).toThrow(RangeError)
    expect(() => new Adwin({ minWindowLength: 1.5 })).toThrow(RangeError)
    expect(() => new Adwin({ gracePeriod: -1 })).toThrow(RangeError)
  })
})
