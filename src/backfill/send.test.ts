import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GroundTruthEvent } from '../ingest/schemas.js'
import { DEFAULT_LIMITS } from '../ingest/validate.js'
import { checkpointPathFor } from './checkpoint-file.js'
import { prepareBackfill, VALIDATION_PROGRESS_MIN_BYTES, type BackfillOptions } from './prepare.js'
import { sendBackfill, type SendOptions } from './send.js'

const nowMs = Date.UTC(2026, 10, 22)
const t = Date.UTC(2026, 10, 1)
const csv = (n: number, bad: ReadonlySet<number> = new Set()) =>
  ['prediction_id,label,label_time', ...Array.from({ length: n }, (_, i) => `p${i + 1},${i % 2 ? 'approve' : 'deny'},${bad.has(i + 1) ? '1999-01-01' : t}`)].join('\n') + '\n'

describe('prepareBackfill + sendBackfill', () => {
  let dir: string
  let file: string
  let published: GroundTruthEvent[][]
  let lines: string[]
  const say = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l) }
  const base = (): BackfillOptions => ({ file, target: 'test', limits: DEFAULT_LIMITS, nowMs, skipInvalid: false, restart: false, maxProblems: 3 })
  const send = (o: Partial<SendOptions> = {}, publish = async (events: readonly GroundTruthEvent[]): Promise<void> => void published.push([...events])) => ({
    options: { batchSize: 1000, nowMs, limits: DEFAULT_LIMITS, skipInvalid: false, ...o },
    io: { publish, progress: () => ({ increment() {}, stop() {} }) },
  })
  const run = async (p: Partial<BackfillOptions> = {}, s: Partial<SendOptions> = {}, publish?: (e: readonly GroundTruthEvent[]) => Promise<void>) => {
    const plan = await prepareBackfill({ ...base(), ...p }, say)
    const { options, io } = send({ skipInvalid: p.skipInvalid ?? false, ...s }, publish)
    return sendBackfill(plan, options, io)
  }
  const checkpoint = () => JSON.parse(readFileSync(checkpointPathFor(file), 'utf8')) as Record<string, unknown>
  const ids = () => published.flat().map((e) => e.prediction_id)

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-backfill-'))
    file = join(dir, 'labels.csv')
    published = []
    lines = []
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('sends every valid row in batches and records a completed checkpoint', async () => {
    writeFileSync(file, csv(2500))
    const summary = await run()
    expect(published.map((b) => b.length)).toEqual([1000, 1000, 500])
    expect(published[0]![0]).toEqual({ prediction_id: 'p1', label: { class_label: 'deny', value: null }, label_time: t, source: 'backfill' })
    expect(summary).toMatchObject({ outcome: 'completed', rows: 2500, sent: 2500, skippedInvalid: 0, failed: 0, alreadyAcknowledgedRows: 0 })
    expect(checkpoint()).toMatchObject({ rowsAcknowledged: 2500, labelsSent: 2500, completed: true, target: 'test', format: 'csv' })
  })

  it('resumes after an interruption without sending any row twice', async () => {
    writeFileSync(file, csv(2500))
    expect(await run({}, { maxBatches: 1 })).toMatchObject({ outcome: 'interrupted', sent: 1000 })
    expect(checkpoint()).toMatchObject({ rowsAcknowledged: 1000, completed: false })
    const second = await run()
    expect(second).toMatchObject({ outcome: 'completed', sent: 1500, alreadyAcknowledgedRows: 1000, alreadySentLabels: 1000 })
    expect(lines.join('\n')).toMatch(/the first 1000 row\(s\) acknowledged \(1000 label\(s\)\); they are skipped; resuming at row 1001/)
    expect(ids()).toEqual(Array.from({ length: 2500 }, (_, i) => `p${i + 1}`))
  })

  it('stops after the batch in flight when the signal aborts', async () => {
    writeFileSync(file, csv(3500))
    const controller = new AbortController()
    const summary = await run({}, { signal: controller.signal }, async (events) => {
      published.push([...events])
      if (published.length === 2) controller.abort()
    })
    expect(summary).toMatchObject({ outcome: 'interrupted', sent: 2000 })
    expect(checkpoint()).toMatchObject({ rowsAcknowledged: 2000 })
  })

  it('reports a failed batch, keeps the last acknowledged checkpoint, and resends from there', async () => {
    writeFileSync(file, csv(2500))
    const summary = await run({}, {}, async (events) => {
      if (published.length === 1) throw new Error('broker gone')
      published.push([...events])
    })
    expect(summary).toMatchObject({ outcome: 'failed', sent: 1000, failed: 1000, error: { code: 'DW_KAFKA_UNAVAILABLE', retriable: true } })
    expect(checkpoint()).toMatchObject({ rowsAcknowledged: 1000 })
    expect(await run()).toMatchObject({ outcome: 'completed', sent: 1500, alreadyAcknowledgedRows: 1000 })
    expect(new Set(ids()).size).toBe(2500)
  })

  it('refuses a file with invalid rows, printing them with line numbers, and sends nothing', async () => {
    writeFileSync(file, csv(100, new Set([5, 17, 40, 41])))
    await expect(run()).rejects.toMatchObject({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/4 invalid row\(s\); nothing was sent.*--skip-invalid/) })
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^line 6: DW_TIMESTAMP_OUT_OF_RANGE label_time: 915148800000 is before 2000-01-01/),
      expect.stringMatching(/^line 18: DW_TIMESTAMP_OUT_OF_RANGE label_time:/),
      expect.stringMatching(/^line 41: DW_TIMESTAMP_OUT_OF_RANGE label_time:/),
    ])
    expect(lines[3]).toMatch(/4 invalid row\(s\) of 100 \(the first 3 shown\): DW_TIMESTAMP_OUT_OF_RANGE 4/)
    expect(published).toEqual([])
    expect(existsSync(checkpointPathFor(file))).toBe(false)
  })

  it('with skipInvalid sends the valid rows, counts the skipped ones, and covers invalid rows at the end', async () => {
    writeFileSync(file, csv(2500, new Set([1, 1500, 2499, 2500])))
    const summary = await run({ skipInvalid: true })
    expect(summary).toMatchObject({ outcome: 'completed', sent: 2496, skippedInvalid: 4 })
    expect(checkpoint()).toMatchObject({ rowsAcknowledged: 2500, labelsSent: 2496, completed: true })
    expect(ids()).not.toContain('p1500')
  })

  it('sends nothing again for a completed checkpoint, and everything with restart', async () => {
    writeFileSync(file, csv(1500))
    await run()
    published = []
    expect(await run()).toMatchObject({ outcome: 'completed', sent: 0, alreadyAcknowledgedRows: 1500, alreadySentLabels: 1500 })
    expect(lines.at(-1)).toMatch(/nothing is left to send \(--restart sends the file again\)/)
    expect(published).toEqual([])
    expect(await run({ restart: true })).toMatchObject({ outcome: 'completed', sent: 1500, alreadyAcknowledgedRows: 0 })
    // Sent again, a label replaces one of equal label_time stored since: --restart says so.
    expect(lines).toContainEqual(expect.stringMatching(/^--restart: .*; every row is sent again, and replaces a stored label of its prediction_id with the same label_time \(such as a correction sent since\), never one with a later label_time$/))
  })

  it('refuses to resume a file that changed since the checkpoint', async () => {
    writeFileSync(file, csv(2500))
    await run({}, { maxBatches: 1 })
    appendFileSync(file, `p9999,approve,${t}\n`)
    await expect(run()).rejects.toMatchObject({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/different or changed file/) })
  })

  it('keeps each publish call under MAX_BATCH_BYTES and refuses a label larger than maxRecordBytes', async () => {
    const long = 'x'.repeat(100_000) // ~100 kB per label: 5 fit in 512 KiB
    writeFileSync(file, `prediction_id,label,label_time\n${Array.from({ length: 12 }, (_, i) => `p${i},${long},${t}`).join('\n')}\np-huge,${'y'.repeat(300_000)},${t}\n`)
    const summary = await run({ skipInvalid: true, limits: { ...DEFAULT_LIMITS, maxRecordBytes: 200_000 } }, { limits: { ...DEFAULT_LIMITS, maxRecordBytes: 200_000 } })
    expect(published.map((b) => b.length)).toEqual([5, 5, 2])
    expect(summary).toMatchObject({ sent: 12, skippedInvalid: 1 })
    expect(lines[0]).toMatch(/^line 14: DW_RECORD_TOO_LARGE \(root\): key and value are 300\d{3} bytes, the limit is 200000 \(ingest.maxRecordBytes\)$/)
  })

  it('says DW_FILE_NOT_FOUND for a missing file', async () => {
    await expect(run()).rejects.toMatchObject({ code: 'DW_FILE_NOT_FOUND' })
  })

  it('reads JSON Lines the same way', async () => {
    file = join(dir, 'labels.jsonl')
    writeFileSync(file, Array.from({ length: 1200 }, (_, i) => JSON.stringify({ prediction_id: `j${i}`, label: { value: i }, label_time: t })).join('\n'))
    expect(await run()).toMatchObject({ outcome: 'completed', sent: 1200 })
    expect(published[1]![199]).toEqual({ prediction_id: 'j1199', label: { class_label: null, value: 1199 }, label_time: t, source: 'backfill' })
  })

  it('with skipInvalid refuses a file whose every row is invalid: nothing sent, no checkpoint', async () => {
    writeFileSync(file, csv(3, new Set([1, 2, 3])))
    await expect(run({ skipInvalid: true })).rejects.toMatchObject({ code: 'DW_FILE_INVALID', message: `${file}: all 3 row(s) are invalid; nothing was sent` })
    expect(lines.at(-1)).toBe(`${file}: 3 invalid row(s) of 3: DW_TIMESTAMP_OUT_OF_RANGE 3`)
    expect(published).toEqual([])
    expect(existsSync(checkpointPathFor(file))).toBe(false)
  })

  it('refuses a predictions file given as labels, saying that the command takes labels', async () => {
    file = join(dir, 'predictions.jsonl')
    const prediction = (i: number) => ({ prediction_id: `p${i}`, model_id: 'loan', model_version: '1', event_time: t, features: { income: 1 }, prediction: { class_label: 'approve' } })
    writeFileSync(file, Array.from({ length: 4 }, (_, i) => JSON.stringify(prediction(i))).join('\n'))
    for (const skipInvalid of [true, false]) {
      await expect(run({ skipInvalid })).rejects.toMatchObject({
        code: 'DW_FILE_INVALID',
        message: `${file}: all 4 row(s) are invalid; nothing was sent: its rows have model_id, model_version, event_time, features, prediction, fields of a prediction; \`driftwatch backfill labels\` takes labels (prediction_id, label, label_value, label_time, source); predictions go to POST /v1/predictions or the predictions topic`,
      })
    }
    expect(published).toEqual([])
    expect(existsSync(checkpointPathFor(file))).toBe(false)
  })

  it('with skipInvalid counts a line that is not UTF-8 as an invalid row: rows in = sent + skipped', async () => {
    const rows = csv(5).split('\n')
    rows[4] = rows[4]!.replace('p4', 'p4\u00e9')
    writeFileSync(file, Buffer.concat(rows.join('\n').split('\u00e9').flatMap((part, i) => (i ? [Buffer.from([0xe9]), Buffer.from(part)] : [Buffer.from(part)]))))
    await expect(run()).rejects.toMatchObject({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/^line 5: not valid UTF-8 \(byte 0xe9\); a label file must be UTF-8: convert the file with iconv -f <encoding> -t UTF-8 /) })
    expect(published).toEqual([])

    lines = []
    const summary = await run({ skipInvalid: true })
    expect(summary).toMatchObject({ outcome: 'completed', rows: 5, sent: 4, skippedInvalid: 1 })
    expect(summary.sent + summary.skippedInvalid).toBe(summary.rows)
    expect(ids()).toEqual(['p1', 'p2', 'p3', 'p5'])
    expect(checkpoint()).toMatchObject({ rowsAcknowledged: 5, labelsSent: 4, completed: true })
    expect(lines.slice(0, 2)).toEqual([
      'line 5: DW_VALIDATION_FAILED (row): not valid UTF-8 (byte 0xe9)',
      expect.stringMatching(/: 1 invalid row\(s\) of 5: DW_VALIDATION_FAILED 1; 1 of them not UTF-8: convert the file with iconv -f <encoding> -t UTF-8 /),
    ])
  })

  it('reports the progress of the validation pass of a large file, in bytes of the file read', async () => {
    writeFileSync(file, csv(60_000))
    const bars: { label: string; total: number; done: number; stopped: boolean }[] = []
    const progress = (label: string, total: number) => {
      const bar = { label, total, done: 0, stopped: false }
      bars.push(bar)
      return { increment: (n: number) => void (bar.done += n), stop: () => void (bar.stopped = true) }
    }
    await prepareBackfill(base(), { ...say, progress })
    const size = statSync(file).size
    expect(size).toBeGreaterThanOrEqual(VALIDATION_PROGRESS_MIN_BYTES)
    expect(bars).toEqual([{ label: 'validating labels (bytes read)', total: size, done: size, stopped: true }])

    // A small file is validated in about a second: no progress line before its result.
    bars.length = 0
    writeFileSync(file, csv(100))
    await prepareBackfill(base(), { ...say, progress })
    expect(bars).toEqual([])
  })
})
