/**
 * The compression codecs Kafka defines besides gzip, for kafkajs, which implements only gzip and
 * throws on a batch compressed with any other codec. The broker keeps a producer's codec (with the
 * default `compression.type=producer`), and Kafka's Java client, librdkafka and their bindings
 * offer snappy, lz4 and zstd, which producers set for the throughput they give: without these,
 * one such batch crashed the consumer on every fetch, so its partition, and the others fetched
 * with it, never advanced.
 *
 *   snappy  raw Snappy (librdkafka, kafkajs-snappy), or the xerial framing Kafka's Java client
 *           writes (an 8-byte magic, two 4-byte versions, then chunks of a 4-byte big-endian
 *           length and a raw Snappy block). snappyjs.
 *   lz4     the LZ4 frame format (Kafka's `Lz4BlockOutputStream`, librdkafka): ./lz4-frame.ts,
 *           with lz4js' block decoder.
 *   zstd    Zstandard frames. fzstd.
 *
 * These codecs read only: driftwatch's own producers (dead letters, HTTP ingest, the prediction
 * logger: src/pipeline/publisher.ts, src/app.ts) write gzip or nothing, so compress refuses.
 * (lz4js marks its blocks as dependent on each other, which Kafka's brokers refuse.)
 *
 * Checked against the batches Kafka's Java client writes (kafka-clients 3.9.1,
 * scripts/reference/KafkaCodecs.java, codecs.test.ts), and lz4 against the frames liblz4 writes
 * (lz4-frame.test.ts). A batch a codec finds malformed throws, as a gzip batch that zlib cannot
 * inflate does; corrupt data that still decodes is caught only by lz4's optional checksums
 * (fzstd skips zstd's, and raw Snappy has none). The broker validates compressed batches on
 * produce, so a corrupt one is not expected from a broker.
 */
import kafkajs from 'kafkajs'
import { decompress as zstdDecompress } from 'fzstd'
import snappy from 'snappyjs'
import { DriftwatchError } from '../errors.js'
import { lz4FrameDecompress } from './lz4-frame.js'

// kafkajs is CommonJS, and Node's reading of its exports for ESM misses CompressionCodecs.
const { CompressionCodecs, CompressionTypes } = kafkajs

/** kafkajs' codec shape: compress gets its Encoder (the uncompressed records in `buffer`). */
export interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
/** The magic, then a version and a minimum compatible version (4 bytes each). */
const XERIAL_HEADER_BYTES = 16

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

export function snappyDecompress(buffer: Buffer): Buffer {
  if (buffer.length < XERIAL_HEADER_BYTES || !buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) return asBuffer(snappy.uncompress(buffer))
  const chunks: Buffer[] = []
  let offset = XERIAL_HEADER_BYTES
  while (offset < buffer.length) {
    if (offset + 4 > buffer.length) throw new Error(`snappy: a xerial chunk's length is cut off at byte ${offset} of ${buffer.length}`)
    const size = buffer.readUInt32BE(offset)
    offset += 4
    if (offset + size > buffer.length) throw new Error(`snappy: a xerial chunk of ${size} bytes at byte ${offset} runs past the end (${buffer.length})`)
    chunks.push(asBuffer(snappy.uncompress(buffer.subarray(offset, offset + size))))
    offset += size
  }
  return Buffer.concat(chunks)
}

const readOnly = (codec: string) => async (): Promise<Buffer> => {
  throw new DriftwatchError('DW_INTERNAL', `driftwatch reads ${codec}-compressed Kafka batches but does not write them: produce with gzip or no compression`)
}

export const CODECS: Readonly<Record<'snappy' | 'lz4' | 'zstd', KafkajsCodec>> = {
  snappy: { compress: readOnly('snappy'), decompress: async (buffer) => snappyDecompress(buffer) },
  lz4: { compress: readOnly('lz4'), decompress: async (buffer) => asBuffer(lz4FrameDecompress(buffer)) },
  zstd: { compress: readOnly('zstd'), decompress: async (buffer) => asBuffer(zstdDecompress(buffer)) },
}

/**
 * Registers the codecs with kafkajs (a process-wide table) in the slots where kafkajs' own
 * placeholder throws "not implemented", leaving a codec a host application registered first (the
 * prediction logger runs inside other services). Idempotent.
 */
export function installCodecs(): void {
  const table = CompressionCodecs as Record<number, () => KafkajsCodec>
  const slots: [number, KafkajsCodec][] = [
    [CompressionTypes.Snappy, CODECS.snappy],
    [CompressionTypes.LZ4, CODECS.lz4],
    [CompressionTypes.ZSTD, CODECS.zstd],
  ]
  for (const [type, codec] of slots) if (!implemented(table[type])) table[type] = () => codec
}

function implemented(factory: (() => KafkajsCodec) | undefined): boolean {
  if (factory === undefined) return false
  try {
    factory()
    return true
  } catch {
    return false
  }
}
