/**
 * Test helpers shared by the metric unit tests (not part of the library API; kept out of `src/`
 * so the build does not ship them).
 *
 * Fixtures write NaN as null (JSON has no NaN); `expectClose` reads null as NaN. Tolerance is
 * absolute for |expected| ≤ 1 and relative above, so MAPE values near 1e14 compare sensibly.
 * The checks throw plain Errors, which vitest reports as failures.
 */
import type { Accumulator } from '../../../src/metrics/types.js'

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message)
}

export const TOLERANCE = 1e-9

export function expectClose(actual: number, expected: number | null, tol = TOLERANCE, label = ''): void {
  if (expected === null || Number.isNaN(expected)) {
    check(Number.isNaN(actual), `${label}: expected NaN, got ${actual}`)
    return
  }
  const scale = Math.max(1, Math.abs(expected))
  check(Math.abs(actual - expected) <= tol * scale, `${label}: ${actual} vs ${expected} (tolerance ${tol * scale})`)
}

export function fold<S, X, R>(acc: Accumulator<S, X, R>, xs: readonly X[]): S {
  const state = acc.create()
  for (const x of xs) acc.update(state, x)
  return state
}

/**
 * Merge laws on `xs` split in three: merging the parts equals folding the whole, merge is
 * associative, create() is an identity, and merge leaves its inputs untouched.
 */
export function expectMergeLaws<S, X, R>(
  acc: Accumulator<S, X, R>,
  xs: readonly X[],
  expectSame: (actual: R, expected: R) => void,
): void {
  const a = fold(acc, xs.slice(0, Math.floor(xs.length / 3)))
  const b = fold(acc, xs.slice(Math.floor(xs.length / 3), Math.floor((2 * xs.length) / 3)))
  const c = fold(acc, xs.slice(Math.floor((2 * xs.length) / 3)))
  const before = JSON.stringify([a, b, c])
  const whole = acc.result(fold(acc, xs))
  const left = acc.merge(acc.merge(a, b), c)
  const right = acc.merge(a, acc.merge(b, c))
  expectSame(acc.result(left), whole)
  expectSame(acc.result(right), whole)
  expectSame(acc.result(acc.merge(acc.create(), a)), acc.result(a))
  expectSame(acc.result(acc.merge(a, acc.create())), acc.result(a))
  check(JSON.stringify([a, b, c]) === before, 'merge mutated one of its inputs')
}

/** Deterministic PRNG for synthetic test data (mulberry32). */
export function seededRandom(seed: number): () => number {
  let t = seed >>> 0
  return () => {
    t = (t + 0x6d2b79f5) >>> 0
    let r = Math.imul(t ^ (t >>> 15), 1 | t)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}
