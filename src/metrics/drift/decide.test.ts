import { describe, expect, it } from 'vitest'
import { driftRule, MIN_ROWS_FOR_VERDICT, NOT_COMPUTABLE, singleVerdict, verdictStatus } from './decide.js'
import { selectDriftMethod } from './select-method.js'
import { DriftThresholdsSchema } from './thresholds.js'

const sizes = (reference: number, current: number) => ({ reference, current })
const rule = (kind: 'numerical' | 'categorical', ref: number, cur: number, nUnique: number, setting?: Parameters<typeof driftRule>[0]['setting']) =>
  driftRule({ choice: selectDriftMethod(kind, sizes(ref, cur), nUnique), sizes: sizes(ref, cur), setting }, ['ks', 'wasserstein', 'psi', 'jensenshannon', 'hellinger', 'kl'])

describe('driftRule', () => {
  it('takes the default method and threshold, or the configured ones', () => {
    expect(rule('numerical', 5000, 200, 50)).toMatchObject({ method: 'ks', threshold: 0.05, thresholdKind: 'p-value', status: 'ok', configured: false })
    expect(rule('numerical', 5000, 5000, 50, 0.2)).toMatchObject({ method: 'wasserstein', threshold: 0.2, configured: true })
    expect(rule('numerical', 5000, 5000, 50, { method: 'psi', threshold: 0.25 })).toMatchObject({ method: 'psi', threshold: 0.25, thresholdKind: 'score' })
  })

  it(`gives no verdict below ${MIN_ROWS_FOR_VERDICT} rows on either side, or for a method that does not apply`, () => {
    expect(rule('numerical', 5000, MIN_ROWS_FOR_VERDICT - 1, 50).status).toBe('insufficient')
    expect(rule('numerical', MIN_ROWS_FOR_VERDICT - 1, 5000, 50).status).toBe('insufficient')
    expect(rule('numerical', MIN_ROWS_FOR_VERDICT, MIN_ROWS_FOR_VERDICT, 50).status).toBe('ok')
    expect(rule('numerical', 5000, 5000, 50, { method: 'chi2', threshold: 0.05 }).status).toBe('method_not_applicable')
  })

  it('singleVerdict: p below the threshold, score at or above it, none without status ok or a value', () => {
    const ok = { threshold: 0.05, thresholdKind: 'p-value', status: 'ok' } as const
    expect(singleVerdict({ method: 'ks', score: 0.3, pValue: 0.01, params: {} }, ok)).toBe(true)
    expect(singleVerdict({ method: 'ks', score: 0.3, pValue: 0.05, params: {} }, ok)).toBe(false)
    expect(singleVerdict({ method: 'ks', score: 0.3, pValue: Number.NaN, params: {} }, ok)).toBeNull()
    expect(singleVerdict({ method: 'ks', score: 0.3, pValue: 0.01, params: {} }, { ...ok, status: 'insufficient' })).toBeNull()
    expect(singleVerdict({ method: 'psi', score: 0.1, params: {} }, { threshold: 0.1, thresholdKind: 'score', status: 'ok' })).toBe(true)
  })

  it('verdictStatus: a rule that allows a verdict but a NaN deciding figure is not_computable, never ok', () => {
    const test = { thresholdKind: 'p-value', status: 'ok' } as const
    const distance = { thresholdKind: 'score', status: 'ok' } as const
    expect(verdictStatus({ method: 'ks', score: 0.3, pValue: 0.2, params: {} }, test)).toBe('ok')
    expect(verdictStatus({ method: 'ks', score: 0.3, pValue: Number.NaN, params: {} }, test)).toBe(NOT_COMPUTABLE)
    expect(verdictStatus({ method: 'wasserstein', score: Number.NaN, params: {} }, distance)).toBe(NOT_COMPUTABLE)
    // An infinite distance is a verdict (drift), not a failure to compute.
    expect(verdictStatus({ method: 'kl', score: Infinity, params: {} }, distance)).toBe('ok')
    // The rule's own reasons come first.
    expect(verdictStatus({ method: 'ks', score: Number.NaN, pValue: Number.NaN, params: {} }, { ...test, status: 'insufficient' })).toBe('insufficient')
  })
})

describe('DriftThresholdsSchema', () => {
  it('accepts a number or { method, threshold } and rejects the rest', () => {
    expect(DriftThresholdsSchema.parse({ a: 0.2, b: { method: 'ks', threshold: 0.01 } })).toEqual({ a: 0.2, b: { method: 'ks', threshold: 0.01 } })
    for (const bad of [{ a: 'x' }, { a: { method: 'magic', threshold: 1 } }, { a: { method: 'psi' } }, { a: { method: 'psi', threshold: 1, extra: 1 } }, { a: Infinity }]) {
      expect(DriftThresholdsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
    }
  })
})
