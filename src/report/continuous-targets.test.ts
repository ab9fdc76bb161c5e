import { describe, expect, it } from 'vitest'
import { continuousTargets, isContinuous, MAX_INTEGER_CLASSES } from './continuous-targets.js'

describe('continuous label and prediction columns', () => {
  it('numbers with one that is not an integer are continuous (scikit-learn type_of_target)', () => {
    expect(isContinuous([['50.12', '49.5', null], ['1']])).toBe(true)
    expect(isContinuous([[0, 1, 0.5]])).toBe(true)
    // 1.0 is an integer: classes, as labels written by pandas with a missing value.
    expect(isContinuous([['0.0', '1.0', '2.0'], ['0', '1']])).toBe(false)
  })

  it('integers: classes up to MAX_INTEGER_CLASSES distinct values, continuous above', () => {
    const ints = (k: number) => Array.from({ length: 3 * k }, (_, i) => String(i % k))
    expect(isContinuous([ints(MAX_INTEGER_CLASSES)])).toBe(false)
    expect(isContinuous([ints(MAX_INTEGER_CLASSES + 1)])).toBe(true)
    // Counted over both files together: 1.0 and 1 are one value.
    expect(isContinuous([ints(30), ints(30).map((x) => `${x}.0`)])).toBe(false)
  })

  it('any other text, no value at all: classes', () => {
    expect(isContinuous([['1.5', '2.5', 'unknown']])).toBe(false)
    expect(isContinuous([['1.5'], ['inf']])).toBe(false)
    expect(isContinuous([[true, false]])).toBe(false)
    expect(isContinuous([[null, undefined], []])).toBe(false)
  })

  it('continuousTargets names the columns, label first; an absent column is none', () => {
    const names = { label: 'y', prediction: 'y_hat', score: 'p' }
    expect(continuousTargets(names, [{ label: ['1.5'], prediction: ['2.5'] }, { label: ['3'] }])).toEqual(['y', 'y_hat'])
    expect(continuousTargets(names, [{ label: ['0', '1'], prediction: ['0.73'] }])).toEqual(['y_hat'])
    expect(continuousTargets(names, [{ score: [0.5] }])).toEqual([])
  })
})
