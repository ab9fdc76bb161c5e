import { describe, expect, it } from 'vitest'
import { clickhouseDateTime64 } from '../store/rows.js'
import { windowStart } from '../window/windows.js'
import { WindowMarks } from './joiner.js'

describe('WindowMarks', () => {
  it('gives one mark per distinct (model, version, window) of any sequence of events, as a set of every event’s window would', () => {
    const windows: Record<string, number> = { a: 3_600_000, b: 86_400_000, c: 60_000 }
    let seed = 7
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let run = 0; run < 200; run++) {
      const marks = new WindowMarks('predictions', (m) => windows[m]!)
      const expected = new Map<string, object>()
      // Runs of one model and window, as batches mostly are, broken at random.
      let model = 'a'
      let version = 'v1'
      let t = Date.UTC(2026, 10, 1) + Math.floor(rnd() * 1e9)
      for (let i = 0; i < 300; i++) {
        if (rnd() < 0.1) model = ['a', 'b', 'c'][Math.floor(rnd() * 3)]!
        if (rnd() < 0.05) version = rnd() < 0.5 ? 'v1' : 'v2'
        t += Math.floor((rnd() - 0.3) * 200_000)
        marks.add(model, version, t)
        const start = windowStart(t, windows[model]!)
        expected.set(`${model}/${version}/${start}`, { model_id: model, model_version: version, window_start: clickhouseDateTime64(start), window_ms: windows[model]!, reason: 'predictions' })
      }
      const byKey = (r: { model_id: string; model_version: string; window_start: string }) => `${r.model_id}/${r.model_version}/${r.window_start}`
      expect(marks.rows().sort((x, y) => byKey(x).localeCompare(byKey(y)))).toEqual([...expected.values()].sort((x, y) => byKey(x as never).localeCompare(byKey(y as never))))
    }
  })
})
