import { describe, expect, it } from 'vitest'
import { batchToken, recordsDigest, type SourceBatch, type SourceRecord } from './source.js'

const record = (offset: number, value: string, o: Partial<SourceRecord> = {}): SourceRecord => ({
  topic: 't', partition: 2, offset: String(offset), key: Buffer.from(`k-${offset}`), value: Buffer.from(value), headers: {}, timestamp: '1796190674162', ...o,
})
const batch = (...records: SourceRecord[]): SourceBatch => ({ topic: 't', partition: 2, records })

describe('batchToken', () => {
  it('names the purpose, topic, partition and offset range, then the records', () => {
    expect(batchToken(batch(record(4, 'a'), record(5, 'b')), 'predictions')).toMatch(/^predictions:t:2:4-5:[0-9a-f]{16}$/)
    expect(batchToken(batch(), 'predictions')).toBe('predictions:t:2:none-none:')
  })

  it('is the same for the same records (a replay) and for each purpose of one batch', () => {
    const b = batch(record(4, 'a'), record(5, 'b'), record(6, 'c'))
    const again = batch(record(4, 'a'), record(5, 'b'), record(6, 'c'))
    expect(batchToken(again, 'predictions')).toBe(batchToken(b, 'predictions'))
    expect(batchToken(b, 'dead_letters', recordsDigest(b.records[0], b.records.at(-1)))).toBe(batchToken(b, 'dead_letters'))
  })

  it('differs for other records at the same offsets (a topic deleted and created again)', () => {
    const old = batchToken(batch(record(0, 'old-0'), record(1, 'old-1')), 'predictions')
    expect(batchToken(batch(record(0, 'new-0'), record(1, 'old-1')), 'predictions')).not.toBe(old)
    expect(batchToken(batch(record(0, 'old-0'), record(1, 'new-1')), 'predictions')).not.toBe(old)
    expect(batchToken(batch(record(0, 'old-0'), record(1, 'old-1', { timestamp: '1796190674163' })), 'predictions')).not.toBe(old)
    expect(batchToken(batch(record(0, 'old-0', { key: Buffer.from('other') }), record(1, 'old-1')), 'predictions')).not.toBe(old)
  })

  it('tells a null key or value from an empty one, and bytes moved between key and value', () => {
    const digest = (r: SourceRecord) => recordsDigest(r, r)
    expect(digest(record(0, '', { key: null }))).not.toBe(digest(record(0, '', { key: Buffer.alloc(0) })))
    expect(digest(record(0, '', { value: null }))).not.toBe(digest(record(0, '')))
    expect(digest(record(0, 'bc', { key: Buffer.from('a') }))).not.toBe(digest(record(0, 'c', { key: Buffer.from('ab') })))
  })
})
