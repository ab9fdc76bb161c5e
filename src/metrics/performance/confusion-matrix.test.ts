import { describe, expect, it } from 'vitest'
import fixture from '../../../scripts/reference/fixtures/performance.json' with { type: 'json' }
import {
  compareLabels,
  confusionAccumulator,
  confusionMatrix,
  confusionMatrixFor,
  type ClassLabel,
  type LabelPair,
} from './confusion-matrix.js'
import { expectMergeLaws } from '../../../test/support/unit/metric-checks.js'

const pairs = (t: readonly ClassLabel[], p: readonly ClassLabel[]): LabelPair[] =>
  t.map((yTrue, i) => ({ yTrue, yPred: p[i]! }))

describe('confusionMatrix vs sklearn.metrics.confusion_matrix', () => {
  for (const c of fixture.classification) {
    it(c.name, () => {
      const cm = confusionMatrix(c.input.yTrue, c.input.yPred)
      const expected = c.expected.confusionMatrix
      const got = c.input.labels === null ? cm : confusionMatrixFor(cm, c.input.labels)
      expect(got.labels).toEqual(expected.labels)
      expect(got.matrix).toEqual(expected.matrix)
    })
  }
})

describe('confusionAccumulator', () => {
  const acc = confusionAccumulator()
  const c = fixture.classification.find((x) => x.name === 'multiclass_strings')!

  it('merging partitions equals the whole, associatively, with create() as identity', () => {
    expectMergeLaws(acc, pairs(c.input.yTrue, c.input.yPred), (a, b) => expect(a).toEqual(b))
  })

  it('a partition that saw a label only another partition lacks still yields the union', () => {
    const a = acc.create()
    acc.update(a, { yTrue: 'x', yPred: 'y' })
    const b = acc.create()
    acc.update(b, { yTrue: 'z', yPred: 'z' })
    expect(acc.result(acc.merge(a, b))).toEqual({
      labels: ['x', 'y', 'z'],
      matrix: [
        [0, 1, 0],
        [0, 0, 0],
        [0, 0, 1],
      ],
      n: 2,
      excluded: 0,
    })
  })

  it('foldedMatches: summed by merge (absent reads as 0), associatively, and given by the result only when any', () => {
    const withFolded = (n?: number) => {
      const s = acc.create()
      acc.update(s, { yTrue: 0, yPred: 0 }, 4)
      if (n !== undefined) s.foldedMatches = n
      return s
    }
    const [a, b, none] = [withFolded(1), withFolded(2), withFolded()]
    expect(acc.merge(acc.merge(a, b), none)).toEqual(acc.merge(a, acc.merge(b, none)))
    expect(acc.merge(none, a).foldedMatches).toBe(1)
    expect(acc.result(acc.merge(acc.merge(a, b), none))).toMatchObject({ n: 12, foldedMatches: 3 })
    expect(acc.result(acc.merge(none, none))).not.toHaveProperty('foldedMatches')
    expect(acc.merge(acc.create(), a)).toEqual(a)
  })

  it('empty input: no labels, n = 0', () => {
    expect(acc.result(acc.create())).toEqual({ labels: [], matrix: [], n: 0, excluded: 0 })
  })

  it('a single value', () => {
    expect(confusionMatrix([1], [1])).toEqual({ labels: [1], matrix: [[1]], n: 1, excluded: 0 })
  })

  it('constant input: one class everywhere', () => {
    expect(confusionMatrix([0, 0, 0], [0, 0, 0]).matrix).toEqual([[3]])
  })

  it('NaN and ±Infinity labels are excluded and counted', () => {
    const cm = confusionMatrix([0, Number.NaN, 1, Infinity, 1], [0, 1, -Infinity, 0, 1])
    expect(cm.n).toBe(2)
    expect(cm.excluded).toBe(3)
    expect(cm.matrix).toEqual([
      [1, 0],
      [0, 1],
    ])
  })

  it('an unseen class adds a row and a column; listing a label never seen gives zeros', () => {
    const cm = confusionMatrix(['a', 'b'], ['a', 'new'])
    expect(cm.labels).toEqual(['a', 'b', 'new'])
    expect(confusionMatrixFor(cm, ['a', 'ghost']).matrix).toEqual([
      [1, 0],
      [0, 0],
    ])
  })

  it('sorts numbers before strings and keeps 1 and "1" apart', () => {
    expect(['b', 2, 'a', 1, '1'].sort(compareLabels)).toEqual([1, 2, '1', 'a', 'b'])
    expect(confusionMatrix([1, '1'], [1, '1']).labels).toEqual([1, '1'])
  })

  it('rejects arrays of different lengths', () => {
    expect(() => confusionMatrix([1, 0], [1])).toThrow(RangeError)
  })
})
