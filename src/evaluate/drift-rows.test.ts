import { describe, expect, it } from 'vitest'
import { categoricalDrift } from './drift-rows.js'

describe('drift rows decide as Evidently does', () => {
  it("Jensen-Shannon in natural log: the issue's example (1000/1000 vs 1250/750) is 0.0892, no drift", () => {
    const row = categoricalDrift('feature', 'channel', { web: 1000, app: 1000 }, { web: 1250, app: 750 })
    expect(row.method).toBe('jensenshannon')
    // Evidently 0.7: 0.08921321604725714 (scripts/reference/fixtures/evidently_js.json).
    expect(row.score).toBeCloseTo(0.08921321604725714, 12)
    expect(row.drift_detected).toBe(0)
  })
})
