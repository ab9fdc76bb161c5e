import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import kafkajs from 'kafkajs'
import snappy from 'snappyjs'
import { describe, expect, it } from 'vitest'
import fixture from '../../scripts/reference/fixtures/kafka-codecs.json' with { type: 'json' }
import { CODECS, installCodecs, snappyDecompress, type KafkajsCodec } from './codecs.js'

const { CompressionCodecs, CompressionTypes } = kafkajs

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const compressed = (codec: keyof typeof fixture.compressed): Buffer => Buffer.from(fixture.compressed[codec], 'base64')

describe('Kafka compression codecs', () => {
  it('the fixture holds one batch of records, as gzip (read by zlib) and as written by kafka-clients', () => {
    const plain = gunzipSync(compressed('gzip'))
    expect(plain.length).toBe(fixture.uncompressed_bytes)
    expect(sha256(plain)).toBe(fixture.uncompressed_sha256)
    // Larger than one LZ4 block (64 KiB) and one xerial snappy chunk (32 KiB): several of each.
    expect(fixture.uncompressed_bytes).toBeGreaterThan(64 * 1024)
  })

  it.each(['snappy', 'lz4', 'zstd'] as const)('reads a %s batch written by Kafka\'s Java client into the same records', async (name) => {
    const plain = await CODECS[name].decompress(compressed(name))
    expect(plain.length).toBe(fixture.uncompressed_bytes)
    expect(sha256(plain)).toBe(fixture.uncompressed_sha256)
  })

  it('reads raw Snappy (librdkafka, kafkajs-snappy) as well as the xerial framing', async () => {
    const plain = gunzipSync(compressed('gzip'))
    expect(compressed('snappy').subarray(0, 8).toString('latin1')).toBe('\x82SNAPPY\x00')
    const raw = Buffer.from(snappy.compress(plain))
    expect(sha256(await CODECS.snappy.decompress(raw))).toBe(fixture.uncompressed_sha256)
  })

  it('refuses a xerial chunk that runs past the end instead of reading past the buffer', () => {
    const cut = compressed('snappy').subarray(0, 100)
    expect(() => snappyDecompress(cut)).toThrow(/runs past the end/)
  })

  it.each(['snappy', 'lz4', 'zstd'] as const)('refuses to write %s, which driftwatch only reads', async (name) => {
    await expect(CODECS[name].compress({ buffer: Buffer.from('x') })).rejects.toThrow(`reads ${name}-compressed Kafka batches but does not write them`)
  })

  it('replaces kafkajs\' "not implemented" placeholders and keeps a codec the host registered', async () => {
    const table = CompressionCodecs as Record<number, () => KafkajsCodec>
    const saved = { ...table }
    try {
      const hosts: KafkajsCodec = { compress: async () => Buffer.from('host'), decompress: async () => Buffer.from('host') }
      table[CompressionTypes.LZ4] = () => hosts
      expect(() => table[CompressionTypes.Snappy]!()).toThrow(/not implemented/)
      installCodecs()
      installCodecs()
      expect(table[CompressionTypes.Snappy]!()).toBe(CODECS.snappy)
      expect(table[CompressionTypes.ZSTD]!()).toBe(CODECS.zstd)
      expect(table[CompressionTypes.LZ4]!()).toBe(hosts)
    } finally {
      Object.assign(table, saved)
    }
  })
})
