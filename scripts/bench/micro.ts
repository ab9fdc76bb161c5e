/**
 * Micro-benchmarks of the hot statistics, in ns per value, each against a plain-loop baseline run
 * the same way; and of reading a prediction into its stored row (RowBinary), the ingest path's JavaScript.
 */
import { createRequire } from 'node:module'
import { binCounts, histogramAccumulator, ks, psi, referenceBinEdges } from '../../src/metrics/drift/index.js'
import { PredictionReader } from '../../src/ingest/prediction-reader.js'
import { avroType } from '../../src/ingest/schemas.js'
import { RowBuffer } from '../../src/store/row-buffer.js'
import { syntheticPrediction } from './join-memory.js'
import { decodeRecord, kafkajsRecordDecoder, type BatchContext, type KafkajsDecoder } from '../../src/kafka/record-decoder.js'

/** Results flow in here so the engine cannot drop the measured work as dead code. */
export let blackhole = 0

export interface MicroResult {
  readonly name: string
  readonly nsPerValue: number
}

function time(name: string, values: number, run: () => void, repeat = 5): MicroResult {
  run() // warm up
  let best = Number.POSITIVE_INFINITY
  for (let r = 0; r < repeat; r++) {
    const t = process.hrtime.bigint()
    run()
    best = Math.min(best, Number(process.hrtime.bigint() - t))
  }
  return { name, nsPerValue: best / values }
}

export function microBenchmarks(): MicroResult[] {
  let seed = 1
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
  const reference = Array.from({ length: 100_000 }, rnd)
  const current = Array.from({ length: 100_000 }, () => rnd() * 1.1)
  const edges = referenceBinEdges(reference)
  const acc = histogramAccumulator(edges)
  const refCounts = binCounts(edges, reference).counts
  const curCounts = binCounts(edges, current).counts
  return [
    time('baseline: sum of 100k doubles', 100_000, () => {
      let s = 0
      for (const x of current) s += x
      blackhole += s
    }),
    time('binCounts (10 decile bins), 100k values', 100_000, () => void (blackhole += binCounts(edges, current).counts[0]!)),
    time('histogram accumulator update, 10k values', 10_000, () => {
      let st = acc.create()
      for (let i = 0; i < 10_000; i++) st = acc.update(st, current[i]!)
      blackhole += st.counts[0]!
    }),
    time('PSI over 10 bins (per bin)', 11, () => void (blackhole += psi(refCounts, curCounts).score)),
    time('KS asymptotic, 20k vs 20k (per value)', 40_000, () => void (blackhole += ks(reference.slice(0, 20_000), current.slice(0, 20_000)).score), 3),
    time('KS exact, 2k vs 2k (per value)', 4_000, () => void (blackhole += ks(reference.slice(0, 2000), current.slice(0, 2000)).score), 3),
    readPredictions(),
    ...decodeRecords(),
  ]
}

/**
 * The records of a fetched batch, 20,000 bench predictions, decoded as kafkajs' fetch does (each
 * record's bytes sliced out, then decoded), with kafkajs' own record decoder and with driftwatch's
 * (src/kafka/record-decoder.ts); the records are kept, as a batch keeps them. Per record.
 */
function decodeRecords(): MicroResult[] {
  const require = createRequire(import.meta.url)
  const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkajsDecoder
  const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: object) => { buffer: Buffer }
  const type = avroType('prediction')
  const n = 20_000
  const t0 = Date.UTC(2026, 0, 1)
  const records = Buffer.concat(
    Array.from({ length: n }, (_, i) => {
      const value = type.toBuffer(syntheticPrediction(i, t0))
      return encodeRecord({ offsetDelta: i, timestampDelta: i * 3, key: Buffer.from(`p-${i}`), value: Buffer.concat([Buffer.alloc(5), value]), headers: {} }).buffer
    }),
  )
  const context: BatchContext = { firstOffset: '1200000', firstTimestamp: String(t0), maxTimestamp: String(t0 + 3 * n), magicByte: 2, isControlBatch: false, timestampType: 0 }
  const run = (decode: typeof decodeRecord) => () => {
    const d = new Decoder(records)
    const out = new Array<unknown>(n)
    for (let i = 0; i < n; i++) out[i] = decode(new Decoder(d.readVarIntBytes()!), context)
    blackhole += out.length
  }
  return [time('kafkajs record decode, 20k records (per record): kafkajs 2.2.4', n, run(kafkajsRecordDecoder())), time('the same, driftwatch record decoder', n, run(decodeRecord))]
}

/** The bench's predictions (16 numeric, 4 categorical features) read from Avro into their lines, per event. */
function readPredictions(): MicroResult {
  const type = avroType('prediction')
  const payloads = Array.from({ length: 20_000 }, (_, i) => type.toBuffer(syntheticPrediction(i, Date.UTC(2026, 0, 1))))
  const reader = new PredictionReader({ pseudonymize: (s) => s, piiFeatures: () => new Set() })
  const out = new RowBuffer(payloads.length * 1024)
  const source = { topic: 'predictions', partition: 0, offset: '0' }
  return time('prediction read into its stored row, 20k events (per event)', payloads.length, () => {
    out.pos = 0
    for (const p of payloads) reader.read(p, 0, source, out)
    blackhole += out.pos
  })
}
