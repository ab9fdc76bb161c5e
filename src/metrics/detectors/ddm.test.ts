import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { Ddm } from './ddm.js'
import { replay } from './replay.js'

const streams = fixture.streams as Record<string, { bits?: string }>
const bits = (name: string): number[] => [...streams[name]!.bits!].map(Number)
const doc = bits('river-doc-42')
const multi = bits('rate-multi')

describe('Ddm', () => {
  it("has River's defaults", () => {
    const d = new Ddm()
    expect([d.warmStart, d.warningThreshold, d.driftThreshold]).toEqual([30, 2, 3])
  })

  it("River's docstring example: first warning at 1084, drift at 1334", () => {
    const r = replay(new Ddm(), doc)
    expect(r.warnings[0]).toBe(1084)
    expect(r.drifts).toEqual([1334])
  })

  it('a drift clears the warning flag; the next update resets', () => {
    const d = new Ddm()
    doc.slice(0, 1335).forEach((x) => d.update(x))
    expect([d.driftDetected, d.warningDetected]).toEqual([true, false])
    d.update(1)
    expect([d.driftDetected, d.warningDetected, d.errorRate]).toEqual([false, false, 1])
  })

  it('after a drift behaves exactly as a fresh detector on the rest of the stream', () => {
    const all = replay(new Ddm(), multi)
    const after = all.drifts[0]! + 1
    const fresh = replay(new Ddm(), multi.slice(after))
    expect(fresh.drifts.map((i) => i + after)).toEqual(all.drifts.slice(1))
    expect(fresh.warnings.map((i) => i + after)).toEqual(all.warnings.filter((i) => i >= after))
  })

  it('accepts booleans as 1/0', () => {
    expect(replay(new Ddm(), doc.map((x) => x === 1))).toEqual(replay(new Ddm(), doc))
  })

  it('flags nothing before warmStart, on a constant stream, or on a single value', () => {
    expect(replay(new Ddm(), Array<number>(30).fill(1)).drifts).toEqual([])
    expect(replay(new Ddm(), Array<number>(3000).fill(0))).toEqual({ drifts: [], warnings: [] })
    expect(replay(new Ddm(), Array<number>(3000).fill(1))).toEqual({ drifts: [], warnings: [] })
    const one = new Ddm({ warmStart: 0 }).update(1)
    expect([one.driftDetected, one.warningDetected]).toEqual([false, false])
  })

  it('as River, the first error after an error-free warm-up is a drift (s_min = 0)', () => {
    const stream = [...Array<number>(500).fill(0), 1]
    expect(replay(new Ddm(), stream).drifts).toEqual([500])
  })

  it('throws RangeError on non-binary input and leaves the state untouched', () => {
    const d = new Ddm()
    const drifts: number[] = []
    doc.forEach((x, i) => {
      if (i % 100 === 0) {
        for (const bad of [Number.NaN, Infinity, -Infinity, 0.5, 2, -1]) expect(() => d.update(bad)).toThrow(RangeError)
      }
      if (d.update(x).driftDetected) drifts.push(i)
    })
    expect(drifts).toEqual([1334])
  })

  it('rejects invalid options', () => {
    expect(() => new Ddm({ warmStart: -1 })).toThrow(RangeError)
    expect(() => new Ddm({ driftThreshold: Infinity })).toThrow(RangeError)
  })
})
