import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { decodeRecord, installRecordDecoder, kafkajsRecordDecoder, recordDecoderPath, type BatchContext, type KafkajsDecoder } from './record-decoder.js'

const require = createRequire(import.meta.url)
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkajsDecoder

// A record as Kafka writes it (record batch v2): zigzag varints, any attributes, any headers.
const zigzag = (v: bigint) => (v << 1n) ^ (v >> 63n)
function varint(out: number[], v: bigint, bits: 32n | 64n): void {
  let u = BigInt.asUintN(Number(bits), zigzag(v))
  do {
    const b = Number(u & 0x7fn)
    u >>= 7n
    out.push(u > 0n ? b | 0x80 : b)
  } while (u > 0n)
}
function bytes(out: number[], b: Buffer | null): void {
  if (b === null) return varint(out, -1n, 32n)
  varint(out, BigInt(b.length), 32n)
  out.push(...b)
}
interface Spec {
  attributes: number
  timestampDelta: bigint
  offsetDelta: number
  key: Buffer | null
  value: Buffer | null
  headers: [string, Buffer | null][]
}
function encode(s: Spec): Buffer {
  const out: number[] = [s.attributes & 0xff]
  varint(out, s.timestampDelta, 64n)
  varint(out, BigInt(s.offsetDelta), 32n)
  bytes(out, s.key)
  bytes(out, s.value)
  varint(out, BigInt(s.headers.length), 32n)
  for (const [k, v] of s.headers) {
    bytes(out, Buffer.from(k))
    bytes(out, v)
  }
  out.push(0xab) // a byte of the next record: both decoders must stop before it
  return Buffer.from(out)
}

/** Deterministic random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('decodeRecord', () => {
  const original = kafkajsRecordDecoder()
  const rnd = random(42)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const int64 = (): bigint => BigInt.asIntN(64, (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32)))
  // Around every boundary of the number path: 7- and 8-byte varlongs, 2^53 - 2^50, 2^53, int64's ends.
  const deltas = [0n, 1n, -1n, 63n, -64n, 2n ** 48n - 1n, -(2n ** 48n), 2n ** 48n, -(2n ** 48n) - 1n, 2n ** 52n, 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n]
  const firsts = ['0', '1', '-1', '1796053084401', String(2 ** 53 - 2 ** 50 - 1), String(2 ** 53 - 2 ** 50), String(-(2 ** 53 - 2 ** 50)), String(2 ** 53), '9223372036854775807', '-9223372036854775808']
  const buffer = () => (rnd() < 0.1 ? null : Buffer.from(Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256))))

  it('gives kafkajs’ record, field for field, for random records around every boundary of its number path', () => {
    for (let i = 0; i < 5000; i++) {
      const spec: Spec = {
        attributes: Math.floor(rnd() * 256),
        timestampDelta: rnd() < 0.6 ? pick(deltas) + BigInt(Math.floor(rnd() * 5) - 2) : int64(),
        offsetDelta: rnd() < 0.5 ? Math.floor(rnd() * 20000) : pick([0, 1, -1, 2 ** 31 - 1, -(2 ** 31)]),
        key: buffer(),
        value: buffer(),
        headers: Array.from({ length: pick([0, 0, 1, 2, 3]) }, () => [pick(['a', 'b', 'trace', 'ü']), buffer()] as [string, Buffer | null]),
      }
      spec.timestampDelta = BigInt.asIntN(64, spec.timestampDelta)
      const context: BatchContext = {
        firstOffset: rnd() < 0.5 ? String(Math.floor(rnd() * 1e9)) : pick(firsts.filter((f) => !f.startsWith('-'))),
        firstTimestamp: rnd() < 0.5 ? String(1.7e12 + Math.floor(rnd() * 1e11)) : pick(firsts),
        maxTimestamp: pick(['1796053084401', '0', '-1']),
        magicByte: 2,
        isControlBatch: rnd() < 0.1,
        timestampType: pick([0, 1]),
      }
      const buf = encode(spec)
      const theirs = new Decoder(buf)
      const ours = new Decoder(buf)
      const expected = original(theirs, context)
      const actual = decodeRecord(ours, context)
      expect(actual, JSON.stringify({ ...spec, timestampDelta: String(spec.timestampDelta), context })).toEqual(expected)
      expect(ours.offset).toBe(theirs.offset)
    }
  })

  const context: BatchContext = { firstOffset: '100', firstTimestamp: '1796053084401', magicByte: 2 }

  it('decodes a record of 50,000 distinct header keys and 50,000 repeats of one key (linear, not kafkajs’ copy per header)', () => {
    const headers: [string, Buffer | null][] = []
    for (let i = 0; i < 50_000; i++) headers.push([`h${i}`, Buffer.from(`v${i}`)], ['trace', i % 7 === 3 ? null : Buffer.from(`t${i}`)])
    const buf = encode({ attributes: 0, timestampDelta: 5n, offsetDelta: 1, key: null, value: Buffer.from('v'), headers })
    const decoder = new Decoder(buf)
    const record = decodeRecord(decoder, context)
    expect(decoder.offset).toBe(buf.length - 1)
    const keys = Object.keys(record.headers)
    expect(keys.length).toBe(50_001)
    expect(keys.slice(0, 3)).toEqual(['h0', 'trace', 'h1'])
    expect(record.headers['h0']).toEqual(Buffer.from('v0'))
    expect(record.headers['h49999']).toEqual(Buffer.from('v49999'))
    const trace = record.headers['trace'] as (Buffer | null)[]
    expect(trace.length).toBe(50_000)
    expect(trace.slice(0, 5)).toEqual([Buffer.from('t0'), Buffer.from('t1'), Buffer.from('t2'), null, Buffer.from('t4')])
    expect(trace[49_999]).toEqual(Buffer.from('t49999'))
  })

  it('decodes a header named after an Object.prototype property as its own value, which kafkajs garbles with the inherited one', () => {
    const names = ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf']
    const headers: [string, Buffer | null][] = [...names.map((n) => [n, Buffer.from(n)] as [string, Buffer]), ['valueOf', null]]
    const buf = encode({ attributes: 0, timestampDelta: 0n, offsetDelta: 0, key: null, value: null, headers })
    const record = decodeRecord(new Decoder(buf), context)
    expect(Object.keys(record.headers)).toEqual(names)
    for (const n of names.slice(0, -1)) expect(record.headers[n], n).toEqual(Buffer.from(n))
    expect(record.headers['valueOf']).toEqual([Buffer.from('valueOf'), null])
    // kafkajs' reduce reads the inherited property as an earlier value of the header.
    const theirs = original(new Decoder(buf), context)
    expect(theirs.headers['toString']).toEqual([Object.prototype.toString, Buffer.from('toString')])
  })

  it('fails as kafkajs does without a batch context', () => {
    const buf = encode({ attributes: 0, timestampDelta: 5n, offsetDelta: 1, key: null, value: Buffer.from('v'), headers: [] })
    expect(() => original(new Decoder(buf))).toThrow(TypeError)
    expect(() => decodeRecord(new Decoder(buf))).toThrow(TypeError)
  })

  it('takes the place of kafkajs’ record decoder in the module cache, unless kafkajs loaded its own first', () => {
    const path = recordDecoderPath()
    require(path)
    if (require.cache[path]!.exports !== decodeRecord) expect(installRecordDecoder()).toBe(false)
    delete require.cache[path]
    expect(installRecordDecoder()).toBe(true)
    expect(require(recordDecoderPath())).toBe(decodeRecord)
    expect(installRecordDecoder()).toBe(true)
  })
})
