import { describe, expect, it } from 'vitest'
import { MAX_TARGETS, PredictionIndex } from './prediction-index.js'

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

  it('keeps each entry\'s own model, version and time across the ring\'s growth and wrap-around', () => {
    const index = new PredictionIndex(3000)
    const target = (i: number) => ({ modelId: `m${i % 3}`, modelVersion: `v${i % 2}`, eventTimeMs: 1_700_000_000_000 + i * 0.5 })
    for (let i = 0; i < 5000; i++) index.add(`p${i}`, target(i))
    expect(index.size).toBe(3000)
    expect(index.get('p1999')).toBeUndefined()
    for (const i of [2000, 2001, 3071, 4095, 4999]) expect(index.get(`p${i}`)).toEqual(target(i))
    expect(index.has('p2000')).toBe(true)
    expect(index.has('p0')).toBe(false)
  })

  it('a re-added id is found once, with its newest target, and evicting its old slot does not drop it', () => {
    const index = new PredictionIndex(3)
    index.add('a', t(1))
    index.add('b', t(2))
    index.add('a', t(5))
    index.add('c', t(3))
    index.add('d', t(4))
    expect(index.get('a')).toEqual(t(5))
    expect(index.size).toBeLessThanOrEqual(3)
    expect(index.get('d')).toEqual(t(4))
  })
})

describe('PredictionIndex.modelOf', () => {
  it('names the model of an indexed id, as get would, and nothing for an evicted one', () => {
    const index = new PredictionIndex(2)
    index.addEntry('a', 'm1', 'v', 1)
    index.add('b', { modelId: 'm2', modelVersion: 'v', eventTimeMs: 2 })
    expect([index.modelOf('a'), index.modelOf('b')]).toEqual(['m1', 'm2'])
    expect(index.get('a')).toEqual({ modelId: 'm1', modelVersion: 'v', eventTimeMs: 1 })
    index.addEntry('c', 'm1', 'v', 3)
    expect(index.modelOf('a')).toBeUndefined()
  })
})

describe('PredictionIndex.targets', () => {
  it('holds every target of a re-sent id, each once, the last added first', () => {
    const index = new PredictionIndex(4)
    index.add('a', t(1))
    index.addEntry('a', 'm', 'v2', 1) // another version, same time
    index.add('a', t(7)) // another time
    index.add('a', t(1)) // a copy already held
    index.add('b', t(2))
    expect(index.targets('a')).toEqual([t(1), { modelId: 'm', modelVersion: 'v2', eventTimeMs: 1 }, t(7)])
    expect(index.targets('b')).toEqual([t(2)])
    expect(index.get('a')).toEqual(t(1))
    expect(index.targets('z')).toBeUndefined()
  })

  it('an id re-added with the same target keeps one', () => {
    const index = new PredictionIndex(2)
    index.add('a', t(1))
    index.add('a', t(1))
    expect(index.targets('a')).toEqual([t(1)])
  })

  it('evicting a re-sent id drops all its targets, and the id added again starts afresh', () => {
    const index = new PredictionIndex(2)
    index.add('a', t(1))
    index.add('a', t(2))
    index.add('b', t(3))
    index.add('c', t(4)) // evicts a
    expect(index.targets('a')).toBeUndefined()
    index.add('a', t(5))
    expect(index.targets('a')).toEqual([t(5)])
  })
})

describe('an id re-sent without end', () => {
  it('keeps its MAX_TARGETS newest targets', () => {
    const index = new PredictionIndex(100)
    for (let i = 0; i < 1000; i++) index.add('p', { modelId: 'm', modelVersion: 'v', eventTimeMs: i })
    const times = index.targets('p')!.map((t) => t.eventTimeMs)
    expect(times).toHaveLength(MAX_TARGETS)
    expect([...times].sort((a, b) => a - b)).toEqual(Array.from({ length: MAX_TARGETS }, (_, i) => 1000 - MAX_TARGETS + i))
  })
})
