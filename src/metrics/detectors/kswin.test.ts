import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/detectors.json' with { type: 'json' }
import { ks } from '../drift/ks.js'
import { Kswin, type KswinOptions } from './kswin.js'
import { replay } from './replay.js'

/**
 * CPython's random.Random(seed) for a non-negative seed below 2^32: MT19937 seeded with
 * init_by_array([seed]), getrandbits and _randbelow (Modules/_randommodule.c, random.py).
 * Test-only: it lets Kswin draw exactly the indices River's KSWIN(seed=...) draws.
 */
function pythonRandom(seed: number): { randbelow(n: number): number } {
  const N = 624
  const mt = new Uint32Array(N)
  let mti = N
  mt[0] = 19650218
  for (let i = 1; i < N; i++) mt[i] = (Math.imul(1812433253, mt[i - 1]! ^ (mt[i - 1]! >>> 30)) + i) >>> 0
  let i = 1
  for (let k = N; k > 0; k--) {
    mt[i] = ((mt[i]! ^ Math.imul(mt[i - 1]! ^ (mt[i - 1]! >>> 30), 1664525)) + (seed >>> 0)) >>> 0
    i++
    if (i >= N) {
      mt[0] = mt[N - 1]!
      i = 1
    }
  }
  for (let k = N - 1; k > 0; k--) {
    mt[i] = ((mt[i]! ^ Math.imul(mt[i - 1]! ^ (mt[i - 1]! >>> 30), 1566083941)) - i) >>> 0
    i++
    if (i >= N) {
      mt[0] = mt[N - 1]!
      i = 1
    }
  }
  mt[0] = 0x80000000
  const next = (): number => {
    if (mti >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[(kk + 1) % N]! & 0x7fffffff)
        mt[kk] = mt[(kk + 397) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)
      }
      mti = 0
    }
    let y = mt[mti++]!
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }
  return {
    randbelow(n: number): number {
      const bits = 32 - Math.clz32(n)
      for (;;) {
        const r = next() >>> (32 - bits)
        if (r < n) return r
      }
    },
  }
}

/**
 * An `rng` for Kswin that makes its pool sampler pick what CPython's random.sample(range(n), k)
 * picks: draw i of each test must land on ⌊u·(n - i)⌋ = randbelow(n - i).
 */
function pythonSampleRng(seed: number, n: number, k: number): { rng: () => number; reseed(): void } {
  let py = pythonRandom(seed)
  let i = 0
  return {
    rng: () => {
      const bound = n - i
      i = (i + 1) % k
      return (py.randbelow(bound) + 0.5) / bound
    },
    reseed: () => {
      py = pythonRandom(seed)
      i = 0
    },
  }
}

interface KswinCase {
  detector: string
  params: { alpha?: number; window_size?: number; stat_size?: number; seed: number }
  stream?: string
  inline?: number[]
  drifts: number[]
}
interface KsPair {
  reference: number[]
  current: number[]
  statistic: number
  pValue: number
}
const streams = fixture.streams as Record<string, { values?: number[] }>
const kswinCases = (fixture.cases as KswinCase[]).filter((c) => c.detector === 'KSWIN')

/** Runs Kswin with River's parameters and River's random draws, reseeding after a drift as River does. */
function runLikeRiver(params: KswinCase['params'], values: readonly number[]): number[] {
  const windowSize = params.window_size ?? 100
  const statSize = params.stat_size ?? 30
  const source = pythonSampleRng(params.seed, windowSize - statSize, statSize)
  const options: KswinOptions = { windowSize, statSize, rng: source.rng }
  const detector = new Kswin(params.alpha === undefined ? options : { ...options, alpha: params.alpha })
  const drifts: number[] = []
  values.forEach((x, i) => {
    if (detector.update(x).driftDetected) {
      drifts.push(i)
      source.reseed()
    }
  })
  return drifts
}

describe('Kswin', () => {
  it('replays CPython random.sample exactly', () => {
    for (const { seed, n, k, samples } of fixture.pythonRandom) {
      const py = pythonRandom(seed)
      for (const expected of samples) {
        const pool = Array.from({ length: n }, (_, i) => i)
        const drawn = Array.from({ length: k }, (_, i) => {
          const j = py.randbelow(n - i)
          const pick = pool[j]!
          pool[j] = pool[n - i - 1]!
          return pick
        })
        expect(drawn).toEqual(expected)
      }
    }
  })

  it("River's docstring example: drift at index 1016 with River's draws for seed 42", () => {
    const stream = streams['river-doc-12345']!.values!
    expect(runLikeRiver({ alpha: 0.0001, seed: 42 }, stream)).toEqual([1016])
  })

  it.each(kswinCases.map((c) => [JSON.stringify(c.params), c.stream ?? 'inline', c] as const))(
    'equals River KSWIN %s on %s',
    (_p, _s, c) => {
      const values = c.inline ?? streams[c.stream ?? '']!.values!
      expect(runLikeRiver(c.params, values)).toEqual(c.drifts)
    },
  )

  it.each((fixture.ks as KsPair[]).map((p) => [p.reference.length, p.statistic, p] as const))(
    'KS test equals scipy ks_2samp (n=%d, D=%f)',
    (_n, _d, p) => {
      const r = ks(p.reference, p.current)
      expect(r.score).toBeCloseTo(p.statistic, 12)
      expect(Math.abs(r.pValue! - p.pValue)).toBeLessThanOrEqual(1e-6)
    },
  )

  it('KS test equals scipy on the windows River KSWIN tested', () => {
    for (const p of fixture.kswinWindows as KsPair[]) {
      const r = ks(p.reference, p.current)
      expect(r.score).toBeCloseTo(p.statistic, 12)
      expect(Math.abs(r.pValue! - p.pValue)).toBeLessThanOrEqual(1e-6)
    }
  })

  it("has River's defaults, and seed 0 for the default mulberry32", () => {
    const d = new Kswin()
    expect([d.alpha, d.windowSize, d.statSize, d.seed]).toEqual([0.005, 100, 30, 0])
  })

  it('is deterministic for a seed, and resets its default random source on drift', () => {
    const stream = streams['multi-shift']!.values!
    const a = replay(new Kswin({ seed: 3 }), stream).drifts
    expect(replay(new Kswin({ seed: 3 }), stream).drifts).toEqual(a)
    expect(a.length).toBeGreaterThan(0)
    // After each drift the detector restarts exactly as a fresh one on the rest of the stream.
    const after = a[0]! + 1
    const fresh = replay(new Kswin({ seed: 3 }), stream.slice(after)).drifts.map((i) => i + after)
    expect(fresh).toEqual(a.slice(1))
  })

  it('does not test before the window is full, then tests every update', () => {
    const d = new Kswin({ windowSize: 10, statSize: 3 })
    for (let i = 0; i < 9; i++) expect(Number.isNaN(d.update(i).pValue)).toBe(true)
    expect(d.update(9).pValue).toBeGreaterThanOrEqual(0)
    expect(d.statistic).toBeGreaterThanOrEqual(0)
  })

  it('uses an initial window until the first reset', () => {
    const d = new Kswin({ windowSize: 10, statSize: 3, window: [0, 1, 2, 3, 4, 5, 6, 7, 8] })
    expect(Number.isNaN(d.update(9).pValue)).toBe(false)
  })

  it('detects nothing on a constant stream and a single value', () => {
    expect(replay(new Kswin(), Array<number>(1000).fill(2.5)).drifts).toEqual([])
    const one = new Kswin().update(1)
    expect(one.driftDetected).toBe(false)
    expect(Number.isNaN(one.pValue)).toBe(true)
  })

  it('throws RangeError on NaN and ±Infinity without changing state', () => {
    const d = new Kswin({ windowSize: 10, statSize: 3 })
    for (let i = 0; i < 9; i++) d.update(i)
    for (const bad of [Number.NaN, Infinity, -Infinity]) expect(() => d.update(bad)).toThrow(RangeError)
    expect(Number.isNaN(d.update(9).pValue)).toBe(false) // the 10th valid value fills the window
    expect(() => new Kswin({ window: [1, Number.NaN] })).toThrow(RangeError)
  })

  it('rejects options River would accept and then crash on, and a bad rng', () => {
    expect(() => new Kswin({ windowSize: 100, statSize: 60 })).toThrow(RangeError)
    expect(() => new Kswin({ alpha: 0 })).toThrow(RangeError)
    const d = new Kswin({ windowSize: 4, statSize: 2, rng: () => 1 })
    expect(() => [1, 2, 3, 4].forEach((x) => d.update(x))).toThrow(RangeError)
  })
})
