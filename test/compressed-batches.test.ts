/**
 * Batches compressed with each codec Kafka defines (gzip, snappy, lz4, zstd), as Kafka's Java
 * client, librdkafka and their bindings write them on a producer's setting, are read like any
 * other: kafkajs implements only gzip, and a batch with another codec crashed the consumer on every
 * fetch, so its partition never advanced. The records are produced by a child process with codecs
 * of its own, so this process has only those driftwatch installs (src/kafka/codecs.ts). Records
 * in = stored + dead-lettered, the garbage record of each batch with its raw bytes.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { PACKAGE_ROOT as packageRoot } from '../src/package-root.js'
import { dropTestResources, testConfig } from './support/config.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

function produceCompressed(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(packageRoot, 'test/support/compressed-producer-child.ts'), ...args], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`the producer exited with ${code}: ${err}`))))
  })
}

describe('compressed batches', () => {
  const config = testConfig({ partitions: 2 })
  const file = parseFileConfig('models:\n  - id: loan-approval\n    positiveClass: approve\n', 'test.yaml')
  let app: App | undefined
  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it('stores the records of gzip, snappy, lz4 and zstd batches and dead-letters their bad records', { timeout: 120_000 }, async () => {
    const perCodec = 20
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd']
    const sent = await produceCompressed([config.kafka!.brokers.join(','), config.registryUrl!, config.topics.predictions, config.topics.groundTruth, String(perCodec)])
    expect(JSON.parse(sent)).toEqual({ codecs, perCodec })
    const store = app!.store
    const accounted = async () => (await count(store, 'SELECT count() AS c FROM {db}.predictions FINAL')) + (await count(store, 'SELECT count() AS c FROM {db}.dead_letters FINAL'))
    await waitFor(accounted, (c) => c === codecs.length * (perCodec + 1), { what: 'every compressed prediction record stored or dead-lettered', timeoutMs: 60_000 })
    await waitFor(() => count(store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === codecs.length * (perCodec / 2), { what: 'every compressed label stored', timeoutMs: 60_000 })

    const stored = await queryRows<{ codec: string; c: string; ids: string }>(store, `SELECT splitByChar('-', prediction_id)[1] AS codec, count() AS c, uniqExact(prediction_id) AS ids FROM {db}.predictions FINAL GROUP BY codec ORDER BY codec`)
    expect(stored.map((r) => [r.codec, Number(r.c), Number(r.ids)])).toEqual([...codecs].sort().map((c) => [c, perCodec, perCodec]))
    const dead = await queryRows<{ key: string; code: string; raw: string }>(store, `SELECT base64Decode(raw_key_base64) AS key, error_code AS code, base64Decode(raw_value_base64) AS raw FROM {db}.dead_letters FINAL ORDER BY key`)
    expect(dead).toEqual([...codecs].sort().map((c) => ({ key: `${c}-garbage`, code: 'DW_DECODE_NOT_AVRO', raw: `not avro, ${c}` })))
    const labels = await queryRows<{ codec: string; c: string }>(store, `SELECT splitByChar('-', prediction_id)[1] AS codec, count() AS c FROM {db}.ground_truth FINAL GROUP BY codec ORDER BY codec`)
    expect(labels.map((r) => [r.codec, Number(r.c)])).toEqual([...codecs].sort().map((c) => [c, perCodec / 2]))
  })
})
