import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { HddmA } from './hddm-a.js'
import { replay } from './replay.js'

const streams = fixture.streams as Record<string, { bits?: string }>
const bits = (name: string): number[] => [...streams[name]!.bits!].map(Number)
const doc = bits('river-doc-42')
const drop = bits('rate-drop')
const multi = bits('rate-multi')

describe('HddmA', () => {
  it("has River's defaults", () => {
    const d = new HddmA()
    expect([d.driftConfidence, d.warningConfidence, d.twoSidedTest]).toEqual([0.001, 0.005, false])
  })

  it("River's docstring example: first warning at 451, drift at 1206", () => {
    const r = replay(new HddmA(), doc)
    expect(r.warnings[0]).toBe(451)
    expect(r.drifts).toEqual([1206])
  })

  it('update returns the detector', () => {
    const d = new HddmA()
    expect(d.update(0)).toBe(d)
  })

  it('detects a falling error rate only when two-sided', () => {
    expect(replay(new HddmA(), drop).drifts).toEqual([])
    expect(replay(new HddmA({ twoSidedTest: true }), drop).drifts.length).toBeGreaterThan(0)
  })

  it('after a drift behaves exactly as a fresh detector on the rest of the stream', () => {
    const all = replay(new HddmA(), multi)
    expect(all.drifts.length).toBeGreaterThan(1)
    const after = all.drifts[0]! + 1
    const fresh = replay(new HddmA(), multi.slice(after))
    expect(fresh.drifts.map((i) => i + after)).toEqual(all.drifts.slice(1))
    expect(fresh.warnings.map((i) => i + after)).toEqual(all.warnings.filter((i) => i >= after))
  })

  it('accepts booleans as 1/0', () => {
    expect(replay(new HddmA(), doc.map((x) => x === 1))).toEqual(replay(new HddmA(), doc))
  })

  it('flags nothing on constant streams or a single value', () => {
    for (const bit of [0, 1]) {
      const constant = Array<number>(3000).fill(bit)
      expect(replay(new HddmA({ twoSidedTest: true }), constant)).toEqual({ drifts: [], warnings: [] })
    }
    const one = new HddmA().update(1)
    expect([one.driftDetected, one.warningDetected]).toEqual([false, false])
  })

  it('throws RangeError on non-binary input and leaves the state untouched', () => {
    const d = new HddmA()
    const drifts: number[] = []
    doc.forEach((x, i) => {
      if (i % 100 === 0) {
        for (const bad of [Number.NaN, Infinity, -Infinity, 0.5, 2]) expect(() => d.update(bad)).toThrow(RangeError)
      }
      if (d.update(x).driftDetected) drifts.push(i)
    })
    expect(drifts).toEqual([1206])
  })

  it('rejects confidences outside (0, 1)', () => {
    expect(() => new HddmA({ driftConfidence: 0 })).toThrow(RangeError)
    expect(() => new HddmA({ warningConfidence: 1 })).toThrow(RangeError)
  })
})
