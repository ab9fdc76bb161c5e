import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { Eddm } from './eddm.js'
import { replay } from './replay.js'

const streams = fixture.streams as Record<string, { bits?: string }>
const bits = (name: string): number[] => [...streams[name]!.bits!].map(Number)
const doc = bits('river-doc-42')
const jump = bits('rate-jump')

describe('Eddm', () => {
  it("has River's defaults", () => {
    const d = new Eddm()
    expect([d.warmStart, d.alpha, d.beta]).toEqual([30, 0.95, 0.9])
  })

  it("River's docstring example (alpha 0.8, beta 0.75): first warning at 1059, drift at 1278", () => {
    const r = replay(new Eddm({ alpha: 0.8, beta: 0.75 }), doc)
    expect(r.warnings[0]).toBe(1059)
    expect(r.drifts).toEqual([1278])
  })

  it('update returns the detector; flags only move on errors', () => {
    const d = new Eddm()
    expect(d.update(0)).toBe(d)
    const r = replay(new Eddm({ alpha: 0.8, beta: 0.75 }), doc)
    for (const i of r.drifts) expect(doc[i]).toBe(1)
    // A warning raised on an error persists over the correct inputs that follow it.
    for (const i of r.warnings) if (doc[i] === 0) expect(r.warnings).toContain(i - 1)
  })

  it('after a drift behaves exactly as a fresh detector on the rest of the stream', () => {
    const all = replay(new Eddm(), jump)
    expect(all.drifts.length).toBeGreaterThan(1)
    const after = all.drifts[0]! + 1
    const fresh = replay(new Eddm(), jump.slice(after))
    expect(fresh.drifts.map((i) => i + after)).toEqual(all.drifts.slice(1))
    expect(fresh.warnings.map((i) => i + after)).toEqual(all.warnings.filter((i) => i >= after))
  })

  it('accepts booleans as 1/0', () => {
    expect(replay(new Eddm(), doc.map((x) => x === 1))).toEqual(replay(new Eddm(), doc))
  })

  it('flags nothing on constant streams or a single value', () => {
    expect(replay(new Eddm(), Array<number>(3000).fill(1))).toEqual({ drifts: [], warnings: [] })
    expect(replay(new Eddm(), Array<number>(3000).fill(0))).toEqual({ drifts: [], warnings: [] })
    const one = new Eddm({ warmStart: 0 }).update(1)
    expect([one.driftDetected, one.warningDetected]).toEqual([false, false])
  })

  it('throws RangeError on non-binary input and leaves the state untouched', () => {
    const d = new Eddm({ alpha: 0.8, beta: 0.75 })
    const drifts: number[] = []
    doc.forEach((x, i) => {
      if (i % 100 === 0) {
        for (const bad of [Number.NaN, Infinity, -Infinity, 0.5, 2]) expect(() => d.update(bad)).toThrow(RangeError)
      }
      if (d.update(x).driftDetected) drifts.push(i)
    })
    expect(drifts).toEqual([1278])
  })

  it('rejects alpha < beta, as River', () => {
    expect(() => new Eddm({ alpha: 0.8, beta: 0.9 })).toThrow(RangeError)
    expect(() => new Eddm({ warmStart: 1.5 })).toThrow(RangeError)
  })
})
