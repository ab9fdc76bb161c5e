import { describe, expect, it } from 'vitest'
import { HASHES, IdFilter, hashesFor, idHashes } from './id-filter.js'
import { HashPairs } from './lookup.js'

describe('idHashes', () => {
  it("gives ClickHouse's murmurHash3_32 and xxHash32 of the UTF-8 bytes", () => {
    // SELECT murmurHash3_32(s), xxHash32(s) in chDB 3.4 (ClickHouse 26.7); test/id-filter.test.ts
    // compares the two on random ids in the engine itself.
    const engine: Record<string, [number, number]> = {
      '': [0, 46947589],
      a: [1009084850, 1426945110],
      abc: [3017643002, 852579327],
      abcd: [1139631978, 2741253893],
      abcde: [3902511862, 2537091483],
      'pred-000123-456789': [296554156, 4095247712],
      'é漢字🙂x': [157069904, 2102388750],
    }
    for (const [id, want] of Object.entries(engine)) {
      const got: [number, number] = [0, 0]
      idHashes(id, got)
      expect(got, id).toEqual(want)
    }
  })
})

describe('IdFilter', () => {
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}-${(i * 2654435761) >>> 0}`)

  it('holds every id it was given, and few it was not, at capacity', () => {
    const filter = new IdFilter(50_000)
    const added = ids('stored', 50_000)
    for (const id of added) filter.add(id)
    expect(filter.full).toBe(true)
    expect(added.filter((id) => !filter.mayHold(id))).toEqual([])
    // About 7e-5 expected at capacity (20 bits and 14 hashes per id).
    const fresh = ids('fresh', 200_000)
    const falsePositives = fresh.filter((id) => filter.mayHold(id)).length
    expect(falsePositives).toBeLessThan(60)
  })

  it('built for three times its capacity, takes 5 hashes and keeps false positives near 4 % (16 % with 14)', () => {
    const capacity = 20_000
    const stored = ids('stored', 3 * capacity)
    const fresh = ids('fresh', 50_000)
    const rate = (filter: IdFilter) => {
      for (const id of stored) filter.add(id)
      expect(stored.filter((id) => !filter.mayHold(id))).toEqual([])
      return fresh.filter((id) => filter.mayHold(id)).length / fresh.length
    }
    const sized = new IdFilter(capacity, stored.length)
    expect(sized.hashes).toBe(5)
    const fixed = new IdFilter(capacity)
    expect(fixed.hashes).toBe(HASHES)
    // (1 - e^(-k·n/m))^k: 0.041 with 5 hashes, 0.161 with 14.
    const sizedRate = rate(sized)
    expect(sizedRate).toBeGreaterThan(0.03)
    expect(sizedRate).toBeLessThan(0.05)
    expect(rate(fixed)).toBeGreaterThan(0.14)
  })

  it('takes all its hashes up to capacity, and fewer, never under one, past it', () => {
    expect(hashesFor(100, 1)).toBe(HASHES)
    expect(hashesFor(100, 100)).toBe(HASHES)
    expect(hashesFor(100, 101)).toBe(HASHES)
    expect(hashesFor(100, 200)).toBe(7)
    expect(hashesFor(100, 600)).toBe(2)
    expect(hashesFor(100, 1e9)).toBe(1)
  })

  it('says nothing is held when empty, and is full once capacity ids are added', () => {
    const filter = new IdFilter(3)
    expect(filter.mayHold('x')).toBe(false)
    filter.add('x')
    filter.add('y')
    expect(filter.full).toBe(false)
    filter.add('x')
    expect(filter.full).toBe(true)
    expect(() => new IdFilter(0)).toThrow(RangeError)
  })

  it('takes hashes as the engine sends them, from chunks that end anywhere', () => {
    // RowBinary UInt32 pairs: ('a', '') as murmurHash3_32 and xxHash32 give them.
    const bytes = new Uint8Array(16)
    const view = new DataView(bytes.buffer)
    ;[1009084850, 1426945110, 0, 46947589].forEach((v, i) => view.setUint32(i * 4, v, true))
    for (let cut = 0; cut <= 16; cut++) {
      for (let cut2 = cut; cut2 <= 16; cut2++) {
        const filter = new IdFilter(10)
        const pairs = new HashPairs((h1, h2) => filter.addHashes(h1, h2))
        pairs.push(bytes.subarray(0, cut))
        pairs.push(bytes.subarray(cut, cut2))
        pairs.push(bytes.subarray(cut2))
        expect(pairs.end()).toBe(2)
        expect([filter.mayHold('a'), filter.mayHold(''), filter.mayHold('abc')]).toEqual([true, true, false])
      }
    }
    const short = new HashPairs(() => {})
    short.push(bytes.subarray(0, 11))
    expect(() => short.end()).toThrow(/within a row/)
  })
})
