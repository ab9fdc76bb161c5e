/**
 * Kills the ingest path with SIGKILL many times and counts what was lost or stored twice.
 *
 *   npx tsx scripts/stress/kill-replay.ts [--cycles 400] [--batch 500] [--records 600000] [--dir DIR] [--out FILE]
 *
 * A child process runs the real prediction handler (src/pipeline/handlers.ts) on its own chDB
 * directory over a fixed log of records, in batches of the same size, and "commits" each batch's
 * offset to a file after the handler resolved, as the Kafka source does. The parent kills the
 * child at a random moment, up to `--cycles` times (fewer when the log is done first: about 1,500
 * records go through per kill on a 2-core machine), restarting it each time from the committed
 * offset, then lets the last child finish the log. Every fifth record is not Avro (a dead letter). At the
 * end, every offset of the log must be stored once, in predictions or dead_letters: the lost and
 * duplicated counts are printed and written as JSON to `--out`.
 *
 * Same batch boundaries on every replay are the case where the deduplication token matters most:
 * each replay carries exactly the killed attempt's token (docs/operations.md, "Replays the
 * deduplication token does not cover"). Not part of `npm test`: a few hundred kills take minutes.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_FILE_CONFIG } from '../../src/config/file.js'
import { avroType, type PredictionEvent } from '../../src/ingest/schemas.js'
import { frame } from '../../src/ingest/wire-format.js'
import { Joiner } from '../../src/join/joiner.js'
import { createLogger } from '../../src/observability/logger.js'
import { createDeadLetterSink } from '../../src/pipeline/dead-letter-sink.js'
import { topicHandlers } from '../../src/pipeline/handlers.js'
import type { SourceBatch } from '../../src/pipeline/source.js'
import { LOCAL_SCHEMA_IDS, localResolver } from '../../src/registry/resolvers.js'
import { openStore, type Store } from '../../src/store/clickhouse.js'
import { migrate } from '../../src/store/migrate.js'
import { privacyFor } from '../../src/store/privacy.js'
import { withDatabase } from '../../src/store/query.js'

const TOPIC = 'stress.predictions'
const T0 = Date.UTC(2026, 10, 1)

const { values: args } = parseArgs({
  options: {
    cycles: { type: 'string', default: '400' },
    batch: { type: 'string', default: '500' },
    records: { type: 'string', default: '600000' },
    dir: { type: 'string', default: '/tmp/driftwatch-kill-replay' },
    out: { type: 'string', default: '' },
    child: { type: 'boolean', default: false },
  },
})
const dir = resolve(args.dir)
const batchSize = Number(args.batch)
const total = Number(args.records)
const committedFile = join(dir, 'committed')
const open = (): Store => openStore({ url: null, user: '', password: '', database: 'stress', dataDir: join(dir, 'data') })

const predictionType = avroType('prediction')
function batchAt(offset: number): SourceBatch {
  const records = Array.from({ length: Math.min(batchSize, total - offset) }, (_, i) => {
    const o = offset + i
    const event: PredictionEvent = {
      prediction_id: `s-${o}`, model_id: 'stress', model_version: 'v1', event_time: T0 + o,
      features: { x: o % 97, y: o / 7, c: `c${o % 5}` },
      prediction: { class_label: o % 2 ? 'approve' : 'deny', score: (o % 100) / 100, probabilities: null, value: null },
      segments: { group: `g${o % 3}` }, deployment: { environment: 'production', variant: 'champion' }, subject_id: null,
    }
    return { topic: TOPIC, partition: 0, offset: String(o), key: Buffer.from(`s-${o}`), value: o % 5 === 4 ? Buffer.from('not avro') : frame(LOCAL_SCHEMA_IDS.prediction, predictionType.toBuffer(event)), headers: {}, timestamp: String(T0) }
  })
  return { topic: TOPIC, partition: 0, records }
}

async function child(): Promise<void> {
  const store = open()
  await migrate(store)
  const file = DEFAULT_FILE_CONFIG
  const logger = createLogger('error')
  const handler = topicHandlers({
    store, file, logger, now: () => T0,
    topics: { predictions: TOPIC, groundTruth: 'stress.ground-truth', partitions: 1, prefix: 'stress.' },
    joiner: new Joiner(store, file),
    privacy: privacyFor({ pseudonymizationKey: 'stress-key', kafka: null, clickhouse: { dataDir: dir } }, file),
    deadLetters: createDeadLetterSink(store, null),
    resolver: localResolver(),
  })[TOPIC]!
  let offset = existsSync(committedFile) ? Number(readFileSync(committedFile, 'utf8')) : 0
  process.stdout.write('ready\n')
  while (offset < total) {
    const batch = batchAt(offset)
    await handler(batch)
    offset += batch.records.length
    writeFileSync(`${committedFile}.tmp`, String(offset))
    renameSync(`${committedFile}.tmp`, committedFile)
  }
  await store.close()
}

function runChild(killAfterMs: number | null): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', '--dir', dir, '--batch', String(batchSize), '--records', String(total)], { stdio: ['ignore', 'pipe', 'inherit'] })
    proc.stdout.on('data', (chunk: Buffer) => {
      if (killAfterMs !== null && chunk.toString().includes('ready')) setTimeout(() => proc.kill('SIGKILL'), killAfterMs)
    })
    proc.on('exit', (code, signal) => (signal === 'SIGKILL' || code === 0 ? resolveRun() : reject(new Error(`child exited with ${code ?? signal}`))))
  })
}

async function parent(): Promise<void> {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const cycles = Number(args.cycles)
  const started = Date.now()
  let kills = 0
  for (let c = 1; c <= cycles; c++) {
    await runChild(Math.random() * 1500)
    kills++
    if (c % 10 === 0) process.stderr.write(`kill-replay: ${c}/${cycles} kills, committed ${readFileSync(committedFile, 'utf8')} of ${total}\n`)
    if (Number(readFileSync(committedFile, 'utf8')) >= total) break
  }
  await runChild(null)
  const store = open()
  const [row] = await (
    await store.client.query({
      query: withDatabase(
        `SELECT (SELECT count() FROM {db}.predictions) AS p_raw, (SELECT uniqExact(source_offset) FROM {db}.predictions) AS p,
                (SELECT count() FROM {db}.dead_letters) AS d_raw, (SELECT uniqExact(source_offset) FROM {db}.dead_letters) AS d,
                (SELECT uniqExact(source_offset) FROM (SELECT source_offset FROM {db}.predictions UNION ALL SELECT source_offset FROM {db}.dead_letters)) AS covered`,
        store.database,
      ),
      format: 'JSONEachRow',
    })
  ).json<Record<string, string>>()
  await store.close()
  const n = (k: string) => Number(row![k])
  const result = {
    kills, batch: batchSize, records: total, seconds: Math.round((Date.now() - started) / 1000),
    stored: n('p'), dead_lettered: n('d'), lost: total - n('covered'), duplicate_rows: n('p_raw') - n('p') + n('d_raw') - n('d'),
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
  if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`)
}

await (args.child ? child() : parent())
