import { CompressionTypes } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { COMPRESS_ABOVE_BYTES, compressionFor } from './publisher.js'

describe('compressionFor', () => {
  const message = (keyBytes: number, valueBytes: number) => ({ key: Buffer.alloc(keyBytes, 'k'), value: Buffer.alloc(valueBytes, 'v') })

  it('sends the usual small batch as it is', () => {
    expect(compressionFor([message(36, 400), message(36, 400)])).toBe(CompressionTypes.None)
  })

  it('compresses a send whose keys and values pass the bound, a record near ingest.maxRecordBytes among them', () => {
    expect(compressionFor([message(8, COMPRESS_ABOVE_BYTES - 8)])).toBe(CompressionTypes.None)
    expect(compressionFor([message(8, COMPRESS_ABOVE_BYTES - 7)])).toBe(CompressionTypes.GZIP)
    expect(compressionFor([message(8, 1024 * 1024 - 13)])).toBe(CompressionTypes.GZIP)
    expect(compressionFor(Array.from({ length: 2000 }, () => message(36, 400)))).toBe(CompressionTypes.GZIP)
  })

  it('counts a record without a key by its value', () => {
    expect(compressionFor([{ key: null, value: Buffer.alloc(COMPRESS_ABOVE_BYTES + 1) }])).toBe(CompressionTypes.GZIP)
  })
})
