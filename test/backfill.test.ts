/**
 * `driftwatch backfill labels` end to end on real infrastructure: label files are validated,
 * published through the schema registry to a real Kafka topic in acknowledged batches, consumed
 * by the consumer-group source and stored in ClickHouse. Conservation is checked twice: the
 * topic holds exactly one message per valid row (nothing sent twice across a resume), and
 * ground_truth FINAL holds exactly one row per valid row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { DEFAULT_LIMITS } from '../src/ingest/validate.js'
import { createLogger } from '../src/observability/logger.js'
import { prepareBackfill, type BackfillOptions } from '../src/backfill/prepare.js'
import { sendBackfill } from '../src/backfill/send.js'
import { backfillTarget, runBackfillLabels } from '../src/cli/backfill.js'
import { openStore } from '../src/store/clickhouse.js'
import { testConfig, dropTestResources } from './support/config.js'
import { waitFor } from './support/wait.js'
import { withDatabase } from '../src/store/query.js'

const ROWS = 100_000
// Recent times: ground_truth has a TTL of retention.raw (90 days by default) on label_time.
const t0 = Math.floor(Date.now() / 86_400_000 - 10) * 86_400_000
const quiet = () => ({ increment() {}, stop() {} })

/** A realistic CSV: ISO and epoch-ms times, some quoted fields with commas, quotes and line breaks. */
function labelsCsv(rows: number, invalid: ReadonlySet<number> = new Set()): string {
  const lines = ['prediction_id,label,label_time,source']
  for (let i = 1; i <= rows; i++) {
    const time = invalid.has(i) ? '1999-12-31T00:00:00Z' : i % 2 ? new Date(t0 + i * 1000).toISOString() : String(t0 + i * 1000)
    const label = i % 1000 === 0 ? '"deny, ""manual""\nreview"' : i % 3 ? 'approve' : 'deny'
    lines.push(`pred-${i},${label},${time},${i % 10 ? '' : 'review'}`)
  }
  return `${lines.join('\n')}\n`
}

async function storedLabels(app: App): Promise<number> {
  const result = await app.store.client.query({ query: withDatabase(`SELECT count() AS c FROM {db}.ground_truth FINAL`, app.store.database), format: 'JSONEachRow' })
  return Number((await result.json<{ c: string }>())[0]!.c)
}

async function messagesOnTopic(config: RuntimeConfig): Promise<number> {
  const admin = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    return (await admin.fetchTopicOffsets(config.topics.groundTruth)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)
  } finally {
    await admin.disconnect()
  }
}

async function dropDatabase(config: RuntimeConfig): Promise<void> {
  const store = openStore(config.clickhouse)
  try {
    await store.client.command({ query: withDatabase('DROP DATABASE IF EXISTS {db}', store.database) })
  } finally {
    await store.close()
  }
}

function consumingApp() {
  const ctx = { config: testConfig(), app: null as App | null, dir: '' }
  beforeAll(async () => {
    ctx.app = await startApp(ctx.config, createLogger(ctx.config.logLevel))
    ctx.dir = mkdtempSync(join(tmpdir(), 'dw-backfill-it-'))
  })
  afterAll(async () => {
    await ctx.app?.stop()
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
    await dropTestResources(ctx.config)
  })
  return ctx
}

describe('backfill labels: 100,000 labels through Kafka, interrupted and resumed', () => {
  const ctx = consumingApp()

  it('stores exactly one row per label and sends no label twice across the resume', async () => {
    const started = performance.now()
    const file = join(ctx.dir, 'labels.csv')
    writeFileSync(file, labelsCsv(ROWS))
    const lines: string[] = []
    const say = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l) }
    const nowMs = Date.now()
    const options: BackfillOptions = { file, target: backfillTarget(ctx.config), limits: DEFAULT_LIMITS, nowMs, skipInvalid: false, restart: false, maxProblems: 20 }
    const send = { batchSize: 1000, nowMs, limits: DEFAULT_LIMITS, skipInvalid: false }
    const io = { publish: (e: Parameters<App['publisher']['publishGroundTruth']>[0]) => ctx.app!.publisher.publishGroundTruth(e), progress: quiet }

    const first = await sendBackfill(await prepareBackfill(options, say), { ...send, maxBatches: 30 }, io)
    expect(first).toMatchObject({ outcome: 'interrupted', rows: ROWS, sent: 30_000, alreadyAcknowledgedRows: 0 })

    const second = await sendBackfill(await prepareBackfill(options, say), send, io)
    expect(second).toMatchObject({ outcome: 'completed', rows: ROWS, sent: 70_000, skippedInvalid: 0, failed: 0, alreadyAcknowledgedRows: 30_000, alreadySentLabels: 30_000 })
    expect(lines).toContainEqual(expect.stringMatching(/an earlier run had the first 30000 row\(s\) acknowledged \(30000 label\(s\)\); they are skipped; resuming at row 30001/))
    const sentMs = performance.now() - started

    expect(await messagesOnTopic(ctx.config)).toBe(ROWS)
    await waitFor(() => storedLabels(ctx.app!), (c) => c === ROWS, { timeoutMs: 120_000, what: `${ROWS} stored labels` })
    const [row] = await (
      await ctx.app!.store.client.query({
        query: withDatabase(`SELECT prediction_id, label_class, label_value, toUnixTimestamp64Milli(label_time) AS t, source FROM {db}.ground_truth FINAL WHERE prediction_id = 'pred-3000'`, ctx.app!.store.database),
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>()
    expect(row).toEqual({ prediction_id: 'pred-3000', label_class: 'deny, "manual"\nreview', label_value: null, t: String(t0 + 3_000_000), source: 'review' })
    console.log(`[backfill] ${ROWS} labels: sent in ${(sentMs / 1000).toFixed(1)} s (2 runs), stored after ${((performance.now() - started) / 1000).toFixed(1)} s`)
  })
})

describe('backfill labels: a file with invalid rows, through the command', () => {
  const ctx = consumingApp()
  const invalid = new Set([17, 4242, 50_000, 99_999, 100_000])

  it('refuses the file (exit 2, nothing sent), then sends exactly its valid rows with --skip-invalid', async () => {
    const file = join(ctx.dir, 'labels.csv')
    writeFileSync(file, labelsCsv(ROWS, invalid))
    const out: string[] = []
    const err: string[] = []
    const deps = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), progress: quiet }

    expect(await runBackfillLabels(ctx.config, { file }, deps)).toBe(2)
    expect(err[0]).toMatch(/^line 18: DW_TIMESTAMP_OUT_OF_RANGE label_time: 946598400000 is before 2000-01-01T00:00:00.000Z$/)
    expect(err).toContainEqual(`${file}: 5 invalid row(s) of ${ROWS}: DW_TIMESTAMP_OUT_OF_RANGE 5`)
    expect(await messagesOnTopic(ctx.config)).toBe(0)

    out.length = 0
    expect(await runBackfillLabels(ctx.config, { file, skipInvalid: true, batchSize: '5000' }, deps)).toBe(0)
    expect(out.at(-3)).toMatch(/^sent 99,995, skipped \(invalid\) 5, failed 0, already sent by an earlier run 0 \(0 row\(s\)\), elapsed /)
    // Kafka: the command only publishes, and says where to see what became of the labels.
    expect(out.at(-1)).toMatch(/^the labels are sent, not stored by this command: .*`driftwatch status`/)
    expect(await messagesOnTopic(ctx.config)).toBe(ROWS - invalid.size)
    await waitFor(() => storedLabels(ctx.app!), (c) => c === ROWS - invalid.size, { timeoutMs: 120_000, what: `${ROWS - invalid.size} stored labels` })
  })
})

describe('backfill labels: embedded mode (no Kafka), through the command', () => {
  it('stores a JSON Lines file straight into ClickHouse', async () => {
    const config = testConfig({ kafka: false })
    const dir = mkdtempSync(join(tmpdir(), 'dw-backfill-it-'))
    try {
      const file = join(dir, 'labels.jsonl')
      const events = Array.from({ length: 5000 }, (_, i) =>
        JSON.stringify(i % 2 ? { prediction_id: `e-${i}`, label: { value: i / 2 }, label_time: t0 + i } : { prediction_id: `e-${i}`, label: 'approve', label_time: new Date(t0 + i).toISOString() }),
      )
      writeFileSync(file, `${events.join('\n')}\n`)
      const out: string[] = []
      expect(await runBackfillLabels(config, { file }, { out: (l) => out.push(l), err: (l) => out.push(l), progress: quiet })).toBe(0)
      expect(out.at(-2)).toMatch(/^done: all 5,000 row\(s\) of .* are acknowledged/)
      // Embedded: what became of the labels, read from the store. No prediction is stored, so every
      // label waits for its own, and none is said to change a window yet.
      expect(out.at(-1)).toMatch(/^of the 5,000 label\(s\) sent: 0 joined a stored prediction; 5,000 pending \(.*\); 0 dropped /)
      const store = openStore(config.clickhouse)
      try {
        const result = await store.client.query({ query: withDatabase(`SELECT count() AS c, countIf(label_value IS NOT NULL) AS v FROM {db}.ground_truth FINAL`, store.database), format: 'JSONEachRow' })
        expect(await result.json()).toEqual([{ c: '5000', v: '2500' }])
      } finally {
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await dropDatabase(config)
    }
  })
})
