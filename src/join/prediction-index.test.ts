import { describe, expect, it } from 'vitest'
import { PredictionIndex } from './prediction-index.js'

const t = (n: number) => ({ modelId: 'm', modelVersion: 'v', eventTimeMs: n })

describe('PredictionIndex', () => {
  it('evicts the oldest entry past its capacity', () => {
    const index = new PredictionIndex(2)
    index.add('a', t(1))
    index.add('b', t(2))
    index.add('c', t(3))
    expect(index.size).toBe(2)
    expect(index.get('a')).toBeUndefined()
    expect(index.get('c')).toEqual(t(3))
  })

  it('re-adding an id refreshes it, so it is not the next evicted', () => {
    const index = new PredictionIndex(2)
    index.add('a', t(1))
    index.add('b', t(2))
    index.add('a', t(10))
    index.add('c', t(3))
    expect(index.get('a')).toEqual(t(10))
    expect(index.get('b')).toBeUndefined()
  })

  it('holds nothing with capacity 0, and rejects a bad capacity', () => {
    const index = new PredictionIndex(0)
    index.add('a', t(1))
    expect(index.size).toBe(0)
    expect(() => new PredictionIndex(-1)).toThrow(RangeError)
  })
})
