/**
 * Child process of test/compressed-batches.test.ts: produces one batch per compression codec to
 * the predictions and labels topics, with codecs of its own (snappyjs, lz4js, zstd compiled to
 * WebAssembly from the reference library), so the consumer under test has only the codecs
 * driftwatch installs. Per codec `c`: predictions `c-0` … `c-<n-1>` (event times a minute back),
 * one record that is not Avro (key `c-garbage`), and labels for the first half of the
 * predictions. Prints one JSON line with what it sent.
 *
 *   node --import tsx compressed-producer-child.ts <brokers> <registryUrl> <predictionsTopic> <labelsTopic> <n>
 */
import { init as zstdInit, compress as zstdCompress } from '@bokuweb/zstd-wasm'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import kafkajs from 'kafkajs'
import lz4 from 'lz4js'
import { hash as xxh32 } from 'lz4js/xxh32.js'
import snappy from 'snappyjs'
import { prediction } from './events.js'

const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs

const [brokers = '', registryUrl = '', predictionsTopic = '', labelsTopic = '', n = '20'] = process.argv.slice(2)
const perCodec = Number(n)

await zstdInit()
const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)
const unused = async (): Promise<Buffer> => {
  throw new Error('this producer only compresses')
}
/**
 * An LZ4 frame as Kafka's brokers take it: lz4js writes one block per 4 MiB, each marked as
 * depending on the one before, which brokers refuse; a batch here is one block, which depends on
 * nothing, so the frame is marked "blocks independent" and its header checksum written anew.
 */
function kafkaLz4(buffer: Buffer): Buffer {
  if (buffer.length > 4 * 1024 * 1024) throw new Error('kafkaLz4 writes batches of one block (4 MiB) only')
  const frame = bytes(lz4.compress(buffer))
  frame[4] = frame[4]! | 0x20
  frame[6] = (xxh32(0, frame, 4, 2) >>> 8) & 0xff
  return frame
}
const table = CompressionCodecs as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }>
table[CompressionTypes.Snappy] = () => ({ compress: async (e) => bytes(snappy.compress(e.buffer)), decompress: unused })
table[CompressionTypes.LZ4] = () => ({ compress: async (e) => kafkaLz4(e.buffer), decompress: unused })
table[CompressionTypes.ZSTD] = () => ({ compress: async (e) => bytes(zstdCompress(e.buffer, 3)), decompress: unused })

const registry = new SchemaRegistry({ host: registryUrl })
const predictionSchema = await registry.getLatestSchemaId(`${predictionsTopic}-value`)
const labelSchema = await registry.getLatestSchemaId(`${labelsTopic}-value`)
const producer = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer()
await producer.connect()
const now = Date.now()
const codecs = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD }
for (const [name, compression] of Object.entries(codecs)) {
  const ids = Array.from({ length: perCodec }, (_, i) => `${name}-${i}`)
  const predictions = await Promise.all(ids.map(async (id) => ({ key: id, value: await registry.encode(predictionSchema, prediction({ prediction_id: id, event_time: now - 60_000 })) })))
  // All on partition 0: one batch per codec, the garbage record in the middle of it.
  const messages = [...predictions.slice(0, perCodec / 2), { key: `${name}-garbage`, value: Buffer.from(`not avro, ${name}`) }, ...predictions.slice(perCodec / 2)]
  await producer.send({ topic: predictionsTopic, compression, messages: messages.map((m) => ({ ...m, partition: 0 })) })
  const labels = await Promise.all(ids.slice(0, perCodec / 2).map(async (id) => ({
    key: id,
    partition: 0,
    value: await registry.encode(labelSchema, { prediction_id: id, label: { class_label: 'approve', value: null }, label_time: now - 30_000, source: 'test' }),
  })))
  await producer.send({ topic: labelsTopic, compression, messages: labels })
}
await producer.disconnect()
console.log(JSON.stringify({ codecs: Object.keys(codecs), perCodec }))
