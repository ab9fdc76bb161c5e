/**
 * Events of an erased prediction stored after the erase: a running instance re-reads the erase
 * record every 10 s, and a label or a dead letter of the subject it stores before then is stored
 * again, with no prediction left to find it by. Running erase again removes them (any subject's
 * run: they are found through the erase record, not the subject), and the orphan sweep never
 * turns such a label into a dead letter (which would hold the label, in dead_letters and on the
 * `.dlq` topic): it removes it instead.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runErase } from '../src/cli/erase.js'
import { sweepOrphans } from '../src/evaluate/orphans.js'
import { parseFileConfig, modelConfig } from '../src/config/file.js'
import type { DeadLetterMessage } from '../src/ingest/dead-letter.js'
import { createDeadLetterSink } from '../src/pipeline/dead-letter-sink.js'
import { eraseSubject } from '../src/store/erase.js'
import { recordErased } from '../src/store/erased-ids.js'
import { storeOnlyApp } from './support/store-app.js'
import { testConfig } from './support/config.js'
import { count, queryRows } from './support/query.js'

const HOUR = 3_600_000
const YAML = 'models:\n  - id: m\n    window: 1h\n'
const file = parseFileConfig(YAML, 'test.yaml')

describe('erase, then a label or dead letter of the erased prediction is stored again', () => {
  const started = storeOnlyApp()
  const store = () => started.app.store
  const db = () => store().database
  const command = (query: string) => store().client.command({ query })
  const prediction = (id: string, subject: string | null, offset: number) =>
    command(`INSERT INTO ${db()}.predictions (prediction_id, model_id, model_version, event_time, class_label, subject_id, source_topic, source_partition, source_offset)
             VALUES ('${id}', 'm', 'v1', now64(3) - toIntervalHour(3), 'yes', ${subject === null ? 'NULL' : `'${subject}'`}, 'p', 0, ${offset})`)
  /** A label stored `storedAgoMs` ago (the orphan sweep looks at labels stored orphanAfter ago). */
  const label = (id: string, offset: number, storedAgoMs = 0) =>
    command(`INSERT INTO ${db()}.ground_truth (prediction_id, label_class, label_time, source, source_topic, source_partition, source_offset, ingested_at)
             VALUES ('${id}', 'yes', now64(3), 's', 'gt', 0, ${offset}, now64(3) - toIntervalMillisecond(${storedAgoMs}))`)
  /** A record keyed by `id` that failed to decode. */
  const deadLetter = (id: string, offset: number) =>
    command(`INSERT INTO ${db()}.dead_letters (source_topic, source_partition, source_offset, error_code, error_message, raw_key_base64, raw_value_base64, raw_value_bytes)
             VALUES ('gt', 0, ${offset}, 'DW_DECODE_FAILED', 'bad', base64Encode('${id}'), base64Encode('not avro'), 8)`)
  const erase = (subject: string, runId: string, dryRun = false) =>
    eraseSubject(store(), { subjectId: subject, subjectKey: (s) => s, model: (id) => modelConfig(file, id), runId, dryRun })
  const dir = mkdtempSync(join(tmpdir(), 'dw-erase-stragglers-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(configFile, YAML)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  /** `driftwatch erase` on the test's store (shared: the command must not close it); its output lines. */
  const eraseCommand = async (subject: string, dryRun = false) => {
    const out: string[] = []
    const code = await runErase({ ...testConfig({ partitions: 1 }), configFile }, { subject, dryRun }, {
      subjectKey: (s) => s, out: (l) => out.push(l), err: (l) => out.push(l), openStore: () => ({ ...store(), close: async () => undefined }),
    })
    expect(code).toBe(0)
    return out
  }
  const labels = (id: string) => count(store(), 'SELECT count() AS c FROM {db}.ground_truth WHERE prediction_id = {id:String}', { id })
  const deadLettersOf = (id: string) => count(store(), 'SELECT count() AS c FROM {db}.dead_letters WHERE raw_key_base64 = base64Encode({id:String})', { id })

  it('running erase again, for the subject or anyone, removes a label and a dead letter of an erased prediction stored since', async () => {
    await prediction('alice-1', 'alice', 1)
    await label('alice-1', 1)
    await prediction('bob-1', 'bob', 2)
    await label('bob-1', 2)
    const first = await erase('alice', 'first')
    expect(first.rows).toEqual({ predictions: 1, ground_truth: 1, dead_letters: 0 })

    // Stored by an instance that had not read the erase record yet.
    await label('alice-1', 11)
    await deadLetter('alice-1', 12)
    const dry = await eraseCommand('alice', true)
    expect(await labels('alice-1')).toBe(1)

    const again = await eraseCommand('alice')
    expect(await labels('alice-1')).toBe(0)
    expect(await deadLettersOf('alice-1')).toBe(0)
    // Counted apart from the subject's rows (none left), in a dry run too.
    expect(again.slice(1, 5)).toEqual([
      '  predictions   deleted 0 row(s)',
      '  ground_truth  deleted 0 row(s)',
      '  dead_letters  deleted 0 row(s)',
      '  stored again  deleted 1 label row(s) and 1 dead letter row(s) of 1 prediction id(s) erased earlier',
    ])
    expect(dry[4]).toBe('  stored again  would delete 1 label row(s) and 1 dead letter row(s) of 1 prediction id(s) erased earlier')
    expect(again.join('\n')).not.toContain('alice')
    expect(first.stragglers).toEqual({ rows: { ground_truth: 0, dead_letters: 0 }, predictionIds: 0 })

    // Another subject's erase removes them too; bob's rows go as his erase says, nobody else's.
    await label('alice-1', 21)
    const bob = await erase('bob', 'bob')
    expect(await labels('alice-1')).toBe(0)
    expect(bob.rows).toEqual({ predictions: 1, ground_truth: 1, dead_letters: 0 })
    expect(bob.stragglers).toEqual({ rows: { ground_truth: 1, dead_letters: 0 }, predictionIds: 1 })
    expect(await labels('bob-1')).toBe(0)
    expect((await erase('carol', 'nobody')).stragglers).toEqual({ rows: { ground_truth: 0, dead_letters: 0 }, predictionIds: 0 })
  })

  it('a label removed that way re-marks the window of a prediction of its id stored again naming no subject', async () => {
    await prediction('erin-1', 'erin', 41)
    await erase('erin', 'erin')
    // Re-sent without a subject before the instances read the record: the label joins it.
    await prediction('erin-1', null, 42)
    await label('erin-1', 42)
    const report = await erase('nobody', 'nobody-2')
    expect(await labels('erin-1')).toBe(0)
    expect(report.stragglers).toEqual({ rows: { ground_truth: 1, dead_letters: 0 }, predictionIds: 1 })
    expect(report.windows).toBe(1)
  })

  it('the orphan sweep removes a label whose labels were erased instead of dead-lettering it', async () => {
    await prediction('dana-1', 'dana', 31)
    await erase('dana', 'dana')
    // The label stored in the gap, orphanAfter ago; an id erased with its labels kept (they stayed
    // with another subject's prediction, since removed) and a label that never had a prediction.
    await label('dana-1', 31, 2 * HOUR)
    await recordErased(store(), [{ modelId: 'm', predictionId: 'kept-1', labelsErased: false }], 'kept')
    await label('kept-1', 32, 2 * HOUR)
    await label('never-1', 33, 2 * HOUR)

    const published: { topic: string; messages: DeadLetterMessage[] }[] = []
    const sink = createDeadLetterSink(store(), async (topic, messages) => void published.push({ topic, messages }))
    // One label a sweep (pages of 1, in offset order): deleting a page's label is looking at it, so
    // the cursor stays until a page is not full, and the labels after it are swept next.
    // Returns the labels dead-lettered.
    const now = Date.now()
    expect(await sweepOrphans(store(), sink, HOUR, now, 1)).toBe(0)
    expect(await labels('dana-1')).toBe(0)
    expect(await sweepOrphans(store(), sink, HOUR, now, 1)).toBe(1)
    expect(await sweepOrphans(store(), sink, HOUR, now, 1)).toBe(1)

    const rows = await queryRows<{ id: string; value: string }>(
      store(),
      "SELECT base64Decode(raw_key_base64) AS id, base64Decode(raw_value_base64) AS value FROM {db}.dead_letters WHERE error_code = 'DW_ORPHAN_LABEL' ORDER BY source_offset",
    )
    expect(rows.map((r) => r.id)).toEqual(['kept-1', 'never-1'])
    const sent = published.flatMap((p) => p.messages.map((m) => String(m.key)))
    expect(sent).toEqual(['kept-1', 'never-1'])
    expect(JSON.stringify(published)).not.toContain('dana-1')
    expect(await labels('dana-1')).toBe(0)
    expect(await labels('kept-1')).toBe(1)

    // The next sweep finds nothing new: the dead-lettered labels are not dead-lettered twice.
    expect(await sweepOrphans(store(), sink, HOUR, Date.now())).toBe(0)
    expect(await count(store(), "SELECT count() AS c FROM {db}.dead_letters WHERE error_code = 'DW_ORPHAN_LABEL'")).toBe(2)
  })
})
