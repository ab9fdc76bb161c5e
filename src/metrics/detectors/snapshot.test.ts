/**
 * Snapshots: stopping a detector at any point (toJSON, through JSON text), restoring it
 * (fromJSON) and continuing gives exactly the detections of an uninterrupted run, on River's
 * reference streams. This is what lets the evaluator resume detectors window after window.
 */
import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { Adwin, type AdwinSnapshot } from './adwin.js'
import { Ddm, type DdmSnapshot } from './ddm.js'
import { replay } from './replay.js'

type Stream = { kind: 'real'; values: number[] } | { kind: 'binary'; bits: string }
const streams = fixture.streams as Record<string, Stream>
const values = (name: string): number[] => {
  const s = streams[name]!
  return s.kind === 'real' ? s.values : [...s.bits].map(Number)
}

/** Runs `xs` in chunks, snapshotting and restoring through JSON text between chunks. */
function resumed<D extends Ddm | Adwin>(create: () => D, restore: (json: unknown) => D, xs: readonly number[], chunk: number): number[] {
  const drifts: number[] = []
  let detector = create()
  xs.forEach((x, i) => {
    if (i > 0 && i % chunk === 0) detector = restore(JSON.parse(JSON.stringify(detector)))
    if (detector.update(x).driftDetected) drifts.push(i)
  })
  return drifts
}

describe('detector snapshots', () => {
  for (const name of ['river-doc-42', 'rate-jump', 'rate-multi', 'rate-creep']) {
    it(`Ddm resumes exactly on ${name}`, () => {
      const xs = values(name)
      const whole = replay(new Ddm(), xs).drifts
      for (const chunk of [1, 7, 333]) expect(resumed(() => new Ddm(), (j) => Ddm.fromJSON(j as DdmSnapshot), xs, chunk)).toEqual(whole)
    })
  }
  for (const name of ['river-doc-12345', 'gauss-shift', 'multi-shift', 'rate-jump', 'rate-multi']) {
    it(`Adwin resumes exactly on ${name}`, () => {
      const xs = values(name)
      const whole = replay(new Adwin(), xs).drifts
      for (const chunk of [1, 31, 500]) expect(resumed(() => new Adwin(), (j) => Adwin.fromJSON(j as AdwinSnapshot), xs, chunk)).toEqual(whole)
    })
  }

  it('keeps options and flags, and stores undefined minima as null', () => {
    const fresh = new Ddm({ warmStart: 5 }).toJSON()
    expect(fresh).toMatchObject({ options: { warmStart: 5, warningThreshold: 2, driftThreshold: 3 }, pMin: null, sMin: null, psMin: null })
    const d = new Ddm()
    values('river-doc-42').slice(0, 1335).forEach((x) => d.update(x))
    const back = Ddm.fromJSON(JSON.parse(JSON.stringify(d)))
    expect([back.driftDetected, back.warningDetected, back.errorRate]).toEqual([true, false, d.errorRate])
    const a = new Adwin({ delta: 0.01 })
    values('gauss-shift').slice(0, 700).forEach((x) => a.update(x))
    const b = Adwin.fromJSON(JSON.parse(JSON.stringify(a)))
    expect([b.delta, b.width, b.total, b.variance]).toEqual([0.01, a.width, a.total, a.variance])
  })

  it('refuses a snapshot of another detector', () => {
    expect(() => Ddm.fromJSON(new Adwin().toJSON() as unknown as DdmSnapshot)).toThrow(RangeError)
    expect(() => Adwin.fromJSON(new Ddm().toJSON() as unknown as AdwinSnapshot)).toThrow(RangeError)
  })
})
