import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { PageHinkley } from './page-hinkley.js'
import { replay } from './replay.js'

const streams = fixture.streams as Record<string, { values?: number[] }>
const doc = streams['river-doc-12345']!.values!
const multi = streams['multi-shift']!.values!

describe('PageHinkley', () => {
  it("has River's defaults", () => {
    const d = new PageHinkley()
    expect([d.minInstances, d.delta, d.threshold, d.alpha, d.mode]).toEqual([30, 0.005, 50, 1 - 0.0001, 'both'])
  })

  it("River's docstring example: one drift, at index 1006 (value 5)", () => {
    expect(replay(new PageHinkley(), doc).drifts).toEqual([1006])
    expect(doc[1006]).toBe(5)
  })

  it("mode 'down' ignores the upward shift of the docstring stream", () => {
    expect(replay(new PageHinkley({ mode: 'down' }), doc).drifts).toEqual([])
    expect(replay(new PageHinkley({ mode: 'down' }), doc.map((x) => -x)).drifts).toEqual([1006])
  })

  it('update returns the detector and tracks the running mean', () => {
    const d = new PageHinkley()
    expect(d.update(2)).toBe(d)
    d.update(4)
    expect(d.mean).toBe(3)
  })

  it('after a drift behaves exactly as a fresh detector on the rest of the stream', () => {
    const all = replay(new PageHinkley(), multi).drifts
    expect(all.length).toBeGreaterThan(1)
    const after = all[0]! + 1
    const fresh = replay(new PageHinkley(), multi.slice(after)).drifts.map((i) => i + after)
    expect(fresh).toEqual(all.slice(1))
  })

  it('cannot detect before minInstances values', () => {
    const jump = [...Array<number>(5).fill(0), ...Array<number>(20).fill(1000)]
    expect(replay(new PageHinkley({ minInstances: 30 }), jump).drifts).toEqual([])
    expect(replay(new PageHinkley({ minInstances: 5 }), jump).drifts[0]).toBe(5)
  })

  it('detects nothing on a constant stream, and a single value is not a drift', () => {
    expect(replay(new PageHinkley(), Array<number>(5000).fill(1e6)).drifts).toEqual([])
    expect(new PageHinkley({ minInstances: 0 }).update(1e9).driftDetected).toBe(false)
  })

  it('throws RangeError on NaN and ±Infinity and leaves the state untouched', () => {
    const d = new PageHinkley()
    const drifts: number[] = []
    doc.forEach((x, i) => {
      if (i % 100 === 0) {
        for (const bad of [Number.NaN, Infinity, -Infinity]) expect(() => d.update(bad)).toThrow(RangeError)
      }
      if (d.update(x).driftDetected) drifts.push(i)
    })
    expect(drifts).toEqual([1006])
  })

  it('rejects invalid options', () => {
    expect(() => new PageHinkley({ mode: 'sideways' as never })).toThrow(RangeError)
    expect(() => new PageHinkley({ alpha: 0 })).toThrow(RangeError)
    expect(() => new PageHinkley({ alpha: 1.5 })).toThrow(RangeError)
    expect(() => new PageHinkley({ threshold: Number.NaN })).toThrow(RangeError)
    expect(() => new PageHinkley({ minInstances: -1 })).toThrow(RangeError)
    expect(new PageHinkley({ alpha: 1 }).alpha).toBe(1)
  })
})
