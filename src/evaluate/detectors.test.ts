import { describe, expect, it } from 'vitest'
import fixture from '../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { Adwin, Ddm, replay } from '../metrics/detectors/index.js'
import { feedDetector, MAX_DETECTIONS, type DetectorRecord, type ErrorEvent } from './detectors.js'

const bits = [...(fixture.streams as Record<string, { bits?: string }>)['rate-multi']!.bits!].map(Number) as (0 | 1)[]
const events: ErrorEvent[] = bits.map((e, i) => ({ t: 1_000_000 + i * 1000, e }))

/** Feeds the stream window by window (through JSON, as detector_state stores it). */
function windowed(name: 'ddm' | 'adwin', size: number) {
  let record: DetectorRecord | null = null
  const detections: number[] = []
  const rows = []
  for (let i = 0; i < events.length; i += size) {
    const step = feedDetector(name, record, events.slice(i, i + size), i + size)
    record = JSON.parse(JSON.stringify(step.record)) as DetectorRecord
    detections.push(...step.detections)
    rows.push(step.row)
  }
  return { record: record!, detections, rows }
}

describe('streaming detectors, window by window', () => {
  for (const [name, create] of [['ddm', () => new Ddm()], ['adwin', () => new Adwin()]] as const) {
    it(`${name}: detections at the event times of an uninterrupted run`, () => {
      const whole = replay(create(), bits).drifts.map((i) => events[i]!.t)
      expect(whole.length).toBeGreaterThan(0)
      for (const size of [1, 97, 1000]) {
        const w = windowed(name, size)
        expect(w.detections).toEqual(whole)
        expect(w.record.detections).toEqual(whole)
        expect(w.record.inputs).toBe(bits.length)
      }
    })
  }

  it('one concept drift row per window and detector', () => {
    const { rows } = windowed('ddm', 1000)
    expect(rows).toHaveLength(Math.ceil(bits.length / 1000))
    const fired = rows.filter((r) => r.drift_detected === 1)
    expect(fired.length).toBeGreaterThan(0)
    expect(rows[1]).toMatchObject({ target: 'concept', column: 'ddm', column_kind: 'binary', method: 'ddm', threshold: 3, n_reference: 1000, n_current: 1000, p_value: null })
    expect(rows[1]!.statistics['errors']).toBe(bits.slice(1000, 2000).reduce((s: number, b) => s + b, 0))
    expect(windowed('adwin', 1000).rows[0]).toMatchObject({ column: 'adwin', threshold: 0.002 })
  })

  it('an empty window advances the record without inputs', () => {
    const first = feedDetector('ddm', null, events.slice(0, 10), 5000)
    const empty = feedDetector('ddm', first.record, [], 6000)
    expect(empty.record).toMatchObject({ inputs: 10, fedUntilMs: 6000, driftInLastWindow: false })
    expect(empty.row.n_current).toBe(0)
  })

  it(`keeps the newest ${MAX_DETECTIONS} detections`, () => {
    const prev = { ...feedDetector('ddm', null, [], 0).record, detections: Array.from({ length: MAX_DETECTIONS }, (_, i) => i) }
    const stream: ErrorEvent[] = [...Array.from({ length: 500 }, (_, i) => ({ t: 10_000 + i, e: 0 as const })), { t: 99_999, e: 1 }]
    const next = feedDetector('ddm', prev, stream, 100_000)
    expect(next.detections).toEqual([99_999])
    expect(next.record.detections).toHaveLength(MAX_DETECTIONS)
    expect(next.record.detections.at(-1)).toBe(99_999)
  })
})

describe('a window with no inputs gives no verdict', () => {
  it('n_current 0: drift_detected null and status insufficient, not 0 / ok', () => {
    for (const name of ['ddm', 'adwin'] as const) {
      const first = feedDetector(name, null, events.slice(0, 10), 5000)
      for (const step of [feedDetector(name, first.record, [], 6000), feedDetector(name, null, [], 6000)]) {
        expect(step.row).toMatchObject({ n_current: 0, drift_detected: null, status: 'insufficient' })
      }
      expect(first.row).toMatchObject({ drift_detected: 0, status: 'ok' })
    }
  })
})
