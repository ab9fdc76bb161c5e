import { describe, expect, it } from 'vitest'
import { modelConfig, parseFileConfig } from '../config/file.js'
import { END_OF_TIME_MS, erasureWindows } from './erase-windows.js'

const DAY = 86_400_000
const d = (n: number, h = 12) => Date.UTC(2026, 10, n, h)
const file = parseFileConfig(
  `models:
  - { id: rolling, window: 1d, reference: { previousWindows: 2 } }
  - { id: fixed, window: 1d, reference: { from: "2026-11-01", to: "2026-11-03" } }
  - { id: baseline, window: 1h, reference: { baseline: latest } }
  - { id: baseline-pii, window: 1h, reference: { baseline: latest }, pii: [email] }
`,
  'test.yaml',
)
const model = (id: string) => modelConfig(file, id)

describe('erasureWindows', () => {
  it('marks its own windows once each', () => {
    const w = erasureWindows(
      [
        { modelId: 'baseline', modelVersion: 'v1', eventTimeMs: d(5, 10) + 60_000 },
        { modelId: 'baseline', modelVersion: 'v1', eventTimeMs: d(5, 10) + 120_000 },
        { modelId: 'baseline', modelVersion: 'v2', eventTimeMs: d(5, 10) },
      ],
      model,
    )
    expect(w.own.map((o) => [o.modelVersion, new Date(o.startMs).toISOString(), o.windowMs])).toEqual([
      ['v1', '2026-11-05T10:00:00.000Z', 3_600_000],
      ['v2', '2026-11-05T10:00:00.000Z', 3_600_000],
    ])
    expect(w.dependents).toEqual([])
  })

  it('previousWindows: N adds the N windows after each own window, merged, per version', () => {
    const w = erasureWindows(
      [
        { modelId: 'rolling', modelVersion: 'v1', eventTimeMs: d(5) },
        { modelId: 'rolling', modelVersion: 'v1', eventTimeMs: d(6) },
        { modelId: 'rolling', modelVersion: 'v1', eventTimeMs: d(20) },
      ],
      model,
    )
    expect(w.dependents).toEqual([
      { modelId: 'rolling', modelVersion: 'v1', fromMs: Date.UTC(2026, 10, 6), toMs: Date.UTC(2026, 10, 6) + 3 * DAY },
      { modelId: 'rolling', modelVersion: 'v1', fromMs: Date.UTC(2026, 10, 21), toMs: Date.UTC(2026, 10, 21) + 2 * DAY },
    ])
  })

  it('a fixed reference period holding an erased prediction makes every window of the model depend on it', () => {
    expect(erasureWindows([{ modelId: 'fixed', modelVersion: 'v3', eventTimeMs: d(2) }], model).dependents).toEqual([
      { modelId: 'fixed', modelVersion: null, fromMs: 0, toMs: END_OF_TIME_MS },
    ])
    expect(erasureWindows([{ modelId: 'fixed', modelVersion: 'v3', eventTimeMs: d(3) }], model).dependents).toEqual([])
  })

  it('a baseline with pii features may be rewritten by the erasure: every window of the model depends on it; without pii, none', () => {
    expect(erasureWindows([{ modelId: 'baseline-pii', modelVersion: 'v1', eventTimeMs: d(2) }], model).dependents).toEqual([
      { modelId: 'baseline-pii', modelVersion: null, fromMs: 0, toMs: END_OF_TIME_MS },
    ])
    expect(erasureWindows([{ modelId: 'baseline', modelVersion: 'v1', eventTimeMs: d(2) }], model).dependents).toEqual([])
  })

  it('an unlisted model uses the defaults: hourly windows against the previous one', () => {
    const w = erasureWindows([{ modelId: 'unlisted', modelVersion: 'v', eventTimeMs: d(1, 5) }], model)
    expect(w.dependents).toEqual([{ modelId: 'unlisted', modelVersion: 'v', fromMs: d(1, 6), toMs: d(1, 7) }])
  })

  it('nothing erased, nothing marked', () => {
    expect(erasureWindows([], model)).toEqual({ own: [], dependents: [] })
  })
})
