import { describe, expect, it } from 'vitest'
import { deadLetterIdentity, ORPHAN_LABEL_IDENTITY } from '../store/offsets.js'
import { ownStored } from './own-stored.js'
import type { SourceRecord } from './source.js'

const record = (offset: number, value = `v-${offset}`): SourceRecord => ({
  topic: 't', partition: 0, offset: String(offset), key: Buffer.from(`k-${offset}`), value: Buffer.from(value), headers: {}, timestamp: '0',
})
const map = <V>(entries: [number, V][]) => new Map(entries.map(([o, v]) => [String(o), v]))

describe('ownStored', () => {
  const records = [record(10), record(11), record(12), record(13)]
  const ids = map([[10, 'p-10'], [11, 'p-11'], [12, 'p-12']]) // 13 is dead-lettered now: no id

  it('takes what its own records left for its own', () => {
    const own = ownStored({ rows: map([[10, ['p-10']], [12, ['p-12']]]), dead: map([[13, [deadLetterIdentity(records[3]!)]]]) }, records, ids)
    expect(own).toEqual({ rows: new Set(['10', '12']), dead: new Set(['13']), foreign: [] })
  })

  it("tells another record's row or dead letter at the same offset apart (a topic created again)", () => {
    const own = ownStored(
      { rows: map([[10, ['old-10']], [11, ['old-11', 'p-11']]]), dead: map([[12, [deadLetterIdentity(record(12, 'old bytes'))]], [13, [deadLetterIdentity(record(13, 'old'))]]]) },
      records,
      ids,
    )
    expect(own).toEqual({ rows: new Set(['11']), dead: new Set(), foreign: ['10', '11', '12', '13'] })
  })

  it('takes a row at the offset of a record of unknown id for its own, as it cannot tell', () => {
    expect(ownStored({ rows: map([[13, ['anything']]]), dead: new Map() }, records, ids)).toEqual({ rows: new Set(['13']), dead: new Set(), foreign: [] })
  })

  it('gives an orphan-label dead letter to the row at its offset', () => {
    const dead = map([[10, [ORPHAN_LABEL_IDENTITY]], [11, [ORPHAN_LABEL_IDENTITY]]])
    const own = ownStored({ rows: map([[10, ['p-10']], [11, ['old-11']]]), dead }, records, ids)
    expect(own).toEqual({ rows: new Set(['10']), dead: new Set(['10']), foreign: ['11'] })
  })

  it('counts anything at an offset the batch does not hold (a gap in its offsets) as foreign, in offset order', () => {
    const gappy = [record(8), record(100)]
    const own = ownStored({ rows: map([[99, ['x']], [9, ['y']]]), dead: map([[50, ['z']]]) }, gappy, new Map())
    expect(own.foreign).toEqual(['9', '50', '99'])
  })
})

describe('deadLetterIdentity', () => {
  it('depends on the sizes and the stored prefixes of key and value', () => {
    const big = (fill: number, tail: number) => ({ key: null, value: Buffer.concat([Buffer.alloc(4096, fill), Buffer.from([tail])]) })
    expect(deadLetterIdentity(big(1, 2))).toBe(deadLetterIdentity(big(1, 3))) // only the first 4 KiB are stored
    expect(deadLetterIdentity(big(1, 2))).not.toBe(deadLetterIdentity(big(2, 2)))
    expect(deadLetterIdentity({ key: Buffer.from('a'), value: null })).not.toBe(deadLetterIdentity({ key: null, value: Buffer.from('a') }))
  })
})
