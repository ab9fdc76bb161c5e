/**
 * Every case of scripts/reference/fixtures/detectors.json (River 0.26.1) must give exactly
 * River's drift indices and warning indices. KSWIN's cases need River's random draws
 * replayed and live in kswin.test.ts.
 */
import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { Adwin } from './adwin.js'
import { Ddm } from './ddm.js'
import type { DriftDetector } from './detector.js'
import { Eddm } from './eddm.js'
import { HddmA } from './hddm-a.js'
import { PageHinkley } from './page-hinkley.js'
import { replay } from './replay.js'

interface ReferenceCase {
  detector: string
  params: Record<string, number | string | boolean>
  stream?: string
  inline?: number[]
  drifts: number[]
  warnings?: [number, number][]
}
type Stream = { kind: 'real'; values: number[] } | { kind: 'binary'; bits: string }

const streams = fixture.streams as Record<string, Stream>
const cases = fixture.cases as ReferenceCase[]

function values(c: ReferenceCase): number[] {
  if (c.inline) return c.inline
  const s = streams[c.stream ?? '']
  if (!s) throw new Error(`unknown stream ${String(c.stream)}`)
  return s.kind === 'real' ? s.values : [...s.bits].map(Number)
}

function camelCase(params: ReferenceCase['params']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]),
  )
}

function expandRuns(runs: [number, number][]): number[] {
  return runs.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i))
}

const factories: Record<string, (options: Record<string, unknown>) => DriftDetector<number>> = {
  ADWIN: (o) => new Adwin(o),
  PageHinkley: (o) => new PageHinkley(o),
  DDM: (o) => new Ddm(o),
  EDDM: (o) => new Eddm(o),
  HDDMA: (o) => new HddmA(o),
}

const parityCases = cases.filter((c) => c.detector in factories)

describe('detections equal River 0.26.1', () => {
  it('uses the fixture written by River 0.26.1', () => {
    expect(fixture.versions.river).toBe('0.26.1')
    expect(parityCases.length).toBeGreaterThan(100)
  })

  it.each(parityCases.map((c) => [c.detector, JSON.stringify(c.params), c.stream ?? 'inline', c] as const))(
    '%s %s on %s',
    (name, _params, _stream, c) => {
      const detector = factories[name]!(camelCase(c.params))
      const result = replay(detector, values(c))
      expect(result.drifts).toEqual(c.drifts)
      if (c.warnings) expect(result.warnings).toEqual(expandRuns(c.warnings))
    },
  )
})
