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

describe('selectDriftMethod decides a two-valued column with a rare category by the z-test', () => {
  const sizesOf = (reference: Record<string, number>, current: Record<string, number>) => ({
    reference: Object.values(reference).reduce((a, b) => a + b, 0),
    current: Object.values(current).reduce((a, b) => a + b, 0),
  })
  const choose = (reference: Record<string, number>, current: Record<string, number>, kind: 'categorical' | 'numerical' = 'categorical') =>
    selectDriftMethod(kind, sizesOf(reference, current), 2, { reference, current })

  it('a tenfold base-rate shift of a 0.01 % class (20 of 200,010 → 100 of 100,010) is decided by z', () => {
    expect(choose({ 0: 199990, 1: 20 }, { 0: 99910, 1: 100 })).toEqual({
      method: 'z', threshold: 0.05, thresholdKind: 'p-value', treatedAs: 'categorical',
    })
  })

  it.each([
    // reference, current, method: the smaller share exactly 1 % is not rare, just below is
    [{ no: 1980, yes: 20 }, { no: 1980, yes: 20 }, 'jensenshannon'],
    [{ no: 1981, yes: 19 }, { no: 1980, yes: 20 }, 'z'],
    [{ no: 1980, yes: 20 }, { no: 1981, yes: 19 }, 'z'],
    [{ no: 1980, yes: 20 }, { no: 1500, yes: 500 }, 'jensenshannon'],
    [{ no: 1500, yes: 500 }, { no: 1981, yes: 19 }, 'z'],
    [{ no: 1981, yes: 19 }, { no: 1500, yes: 500 }, 'z'],
    // The smaller category of each side, whichever it is.
    [{ no: 19, yes: 1981 }, { no: 1500, yes: 500 }, 'z'],
    // A category absent from one side has share 0 there.
    [{ no: 2000 }, { no: 1500, yes: 500 }, 'z'],
    [{ no: 2000, yes: 0 }, { no: 1500, yes: 500 }, 'z'],
  ] as const)('%o → %o: %s', (reference, current, method) => {
    expect(choose(reference, current).method).toBe(method)
  })

  it('applies to a numerical column with two values (treated as categorical)', () => {
    expect(choose({ 0: 1981, 1: 19 }, { 0: 1980, 1: 20 }, 'numerical')).toMatchObject({ method: 'z', treatedAs: 'categorical' })
  })

  it('leaves columns with more than two categories, and callers without counts, as before', () => {
    const three = { reference: { a: 1981, b: 10, c: 9 }, current: { a: 1981, b: 10, c: 9 } }
    expect(selectDriftMethod('categorical', { reference: 2000, current: 2000 }, 3, three).method).toBe('jensenshannon')
    expect(selectDriftMethod('categorical', { reference: 200010, current: 100010 }, 2).method).toBe('jensenshannon')
  })

  it('reads counts given as a Map too', () => {
    const reference = new Map([['no', 1981], ['yes', 19]])
    const current = new Map([['no', 1980], ['yes', 20]])
    expect(selectDriftMethod('categorical', { reference: 2000, current: 2000 }, 2, { reference, current }).method).toBe('z')
  })
})
