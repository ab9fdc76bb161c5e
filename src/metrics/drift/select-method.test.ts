import { describe, expect, it } from 'vitest'
import { selectDriftMethod } from './select-method.js'

describe("selectDriftMethod follows Evidently's _get_default_stattest when both samples are alike in size", () => {
  it.each([
    // kind, reference rows, n unique, method, threshold, treated as
    ['numerical', 1000, 6, 'ks', 0.05, 'numerical'],
    ['numerical', 1000, 5, 'chi2', 0.05, 'categorical'],
    ['numerical', 1000, 3, 'chi2', 0.05, 'categorical'],
    ['numerical', 1000, 2, 'z', 0.05, 'categorical'],
    ['categorical', 1000, 3, 'chi2', 0.05, 'categorical'],
    ['categorical', 200, 2, 'z', 0.05, 'categorical'],
    ['categorical', 200, 1, 'z', 0.05, 'categorical'],
    ['numerical', 1001, 6, 'wasserstein', 0.1, 'numerical'],
    ['numerical', 1001, 5, 'jensenshannon', 0.1, 'categorical'],
    ['numerical', 50000, 2, 'jensenshannon', 0.1, 'categorical'],
    ['categorical', 1001, 40, 'jensenshannon', 0.1, 'categorical'],
    ['categorical', 1001, 2, 'jensenshannon', 0.1, 'categorical'],
  ] as const)('%s, %d rows, %d unique → %s', (kind, rows, unique, method, threshold, treatedAs) => {
    const choice = selectDriftMethod(kind, { reference: rows, current: rows }, unique)
    expect(choice).toEqual({
      method,
      threshold,
      thresholdKind: threshold === 0.05 ? 'p-value' : 'score',
      treatedAs,
    })
  })

  it('handles an empty reference and a column with no values', () => {
    expect(selectDriftMethod('numerical', { reference: 0, current: 0 }, 0).method).toBe('z')
    expect(selectDriftMethod('categorical', { reference: 0, current: 0 }, 0).method).toBe('z')
  })

  it('rejects sizes that are not counts', () => {
    expect(() => selectDriftMethod('numerical', { reference: -1, current: 5 }, 3)).toThrow(RangeError)
    expect(() => selectDriftMethod('numerical', { reference: 10, current: 10 }, Number.NaN)).toThrow(RangeError)
    expect(() => selectDriftMethod('numerical', { reference: Infinity, current: 5 }, 3)).toThrow(RangeError)
    expect(() => selectDriftMethod('numerical', { reference: 10, current: 10.5 }, 3)).toThrow(RangeError)
  })
})

describe('selectDriftMethod looks at both sample sizes', () => {
  it.each([
    // kind, reference rows, current rows, n unique, method
    ['numerical', 50000, 200, 100, 'ks'],
    ['numerical', 200, 50000, 100, 'ks'],
    ['numerical', 50000, 1000, 100, 'ks'],
    ['numerical', 50000, 1001, 100, 'wasserstein'],
    ['categorical', 50000, 200, 40, 'chi2'],
    ['categorical', 50000, 1001, 40, 'jensenshannon'],
    ['categorical', 50000, 200, 2, 'z'],
  ] as const)('%s, reference %d, current %d, %d unique → %s', (kind, reference, current, unique, method) => {
    expect(selectDriftMethod(kind, { reference, current }, unique).method).toBe(method)
  })
})
