/**
 * What the backfill's summary says became of the labels. Embedded mode: read from the store after
 * each batch, each label joined (its prediction is stored), pending (stored, no prediction yet) or
 * dropped (its prediction was erased: ingest's screen stores no label of it). Regression: the
 * summary said "the labels are stored" of every label sent, the dropped ones included, and of
 * labels no prediction of which was stored. Kafka mode: the command only publishes, so the summary
 * says "sent" and where to see the outcome.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startApp } from '../src/app.js'
import { KAFKA_OUTCOME_LINE } from '../src/backfill/summary.js'
import { runBackfillLabels } from '../src/cli/backfill.js'
import { pseudonymizedSubjectKey, runErase } from '../src/cli/erase.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { openStore } from '../src/store/clickhouse.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { queryRows } from './support/query.js'

const DAY = 86_400_000
const eventTime = Math.floor(Date.now() / DAY) * DAY - 3 * DAY
const labelTime = new Date(eventTime + 3_600_000).toISOString()
const quiet = () => ({ increment() {}, stop() {} })
const FILE_CONFIG = parseFileConfig('models:\n  - id: loan-approval\n    window: 1d\n    positiveClass: approve\n', 'driftwatch.yaml')

/** p-*: predictions stored; a-*: alice's, erased with their labels; x-*: never stored. */
const LABELED_IDS = ['p-1', 'a-1', 'x-1', 'p-2', 'x-2', 'a-2', 'p-3', 'x-3', 'x-4']

function labelsFile(dir: string): string {
  const file = join(dir, 'labels.csv')
  writeFileSync(file, `prediction_id,label,label_time\n${LABELED_IDS.map((id) => `${id},approve,${labelTime}`).join('\n')}\n`)
  return file
}

async function run(config: RuntimeConfig, file: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = []
  const say = (l: string) => out.push(l)
  // Batches of 2: the outcomes are added up over several batches.
  const code = await runBackfillLabels(config, { file, batchSize: '2' }, { out: say, err: say, progress: quiet, file: FILE_CONFIG })
  return { code, out }
}

describe('backfill labels, embedded: the summary counts joined, pending and dropped labels as the store holds them', () => {
  const config = testConfig({ kafka: false })
  const dir = mkdtempSync(join(tmpdir(), 'dw-backfill-outcomes-'))
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropTestResources(config)
  })

  it('reports 3 joined, 4 pending and 2 dropped of 9 labels, and the store agrees', async () => {
    const app = await startApp(config, createLogger('error'), { file: FILE_CONFIG, evaluate: false, alerts: false })
    try {
      await app.publisher.publishPredictions([
        ...['p-1', 'p-2', 'p-3'].map((id) => prediction({ prediction_id: id, event_time: eventTime })),
        ...['a-1', 'a-2'].map((id) => prediction({ prediction_id: id, event_time: eventTime, subject_id: 'alice' })),
      ])
      const erased = await runErase(config, { subject: 'alice' }, {
        subjectKey: pseudonymizedSubjectKey(config), file: FILE_CONFIG, out: () => undefined, err: () => undefined,
        openStore: () => ({ ...app.store, close: async () => undefined }),
      })
      expect(erased).toBe(0)
    } finally {
      await app.stop()
    }

    const { code, out } = await run(config, labelsFile(dir))
    expect(code, out.join('\n')).toBe(0)
    expect(out).toContainEqual(expect.stringMatching(/^of the 9 label\(s\) sent: 3 joined a stored prediction; 4 pending \(stored, waiting for their prediction: .*\); 2 dropped \(their prediction was erased by `driftwatch erase`: not stored\)$/))
    expect(out.at(-1)).toMatch(/^the joined labels are stored: the windows they change are evaluated by the next `driftwatch start`/)

    // The store: the dropped labels are not stored; the pending ones are, with no prediction.
    const store = openStore(config.clickhouse)
    try {
      const labels = await queryRows<{ id: string; predicted: number }>(
        store,
        'SELECT prediction_id AS id, prediction_id IN (SELECT prediction_id FROM {db}.predictions) AS predicted FROM {db}.ground_truth FINAL ORDER BY id',
      )
      expect(labels.map((l) => [l.id, Number(l.predicted)])).toEqual([['p-1', 1], ['p-2', 1], ['p-3', 1], ['x-1', 0], ['x-2', 0], ['x-3', 0], ['x-4', 0]])
    } finally {
      await store.close()
    }
  })
})

describe('backfill labels, Kafka: the summary says the labels are sent, and where to see what became of them', () => {
  const config = testConfig()
  const dir = mkdtempSync(join(tmpdir(), 'dw-backfill-outcomes-'))
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropTestResources(config)
  })

  it('ends with the line that the labels are sent, not stored by the command, pointing to driftwatch status and the pending labels', async () => {
    const { code, out } = await run(config, labelsFile(dir))
    expect(code, out.join('\n')).toBe(0)
    expect(out.at(-3)).toMatch(/^sent 9, /)
    expect(out.at(-1)).toBe(KAFKA_OUTCOME_LINE)
    expect(KAFKA_OUTCOME_LINE).toMatch(/^the labels are sent, not stored by this command: .*`driftwatch status`.*driftwatch_pending_labels/)
  })
})
