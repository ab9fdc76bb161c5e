/**
 * `backfill labels --skip-invalid` on a file with a line that is not UTF-8 (one label written in
 * Latin-1): that line is one invalid row, skipped and counted, and every other row is sent and
 * stored. Regression: the whole file was refused (DW_FILE_INVALID) even with --skip-invalid.
 * Conservation: rows in the file = sent + skipped, and ground_truth holds exactly the sent ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkpointPathFor } from '../src/backfill/checkpoint-file.js'
import { runBackfillLabels } from '../src/cli/backfill.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { openStore } from '../src/store/clickhouse.js'
import { queryRows } from '../src/store/query.js'
import { dropTestResources, testConfig } from './support/config.js'

const ROWS = 1000
const LATIN1_ROW = 400

describe('backfill labels --skip-invalid: a line that is not UTF-8', () => {
  const config = testConfig({ kafka: false })
  const dir = mkdtempSync(join(tmpdir(), 'dw-backfill-utf8-'))
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropTestResources(config)
  })

  it('is one skipped row: the rest is sent and stored, and rows in = sent + skipped', async () => {
    const t0 = Date.now() - 86_400_000
    const row = (i: number) => `p-${i},${i === LATIN1_ROW ? 'refus\u00e9' : 'approve'},${t0 + i}`
    const text = ['prediction_id,label,label_time', ...Array.from({ length: ROWS }, (_, i) => row(i + 1))].join('\n') + '\n'
    const file = join(dir, 'labels.csv')
    writeFileSync(file, Buffer.from(text, 'latin1')) // é is one byte, 0xe9: not UTF-8
    const out: string[] = []
    const err: string[] = []
    const deps = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), progress: () => ({ increment() {}, stop() {} }), file: DEFAULT_FILE_CONFIG }

    expect(await runBackfillLabels(config, { file }, deps)).toBe(2)
    expect(err.at(-1)).toMatch(new RegExp(`^driftwatch: DW_FILE_INVALID: .*line ${LATIN1_ROW + 1}: not valid UTF-8 \\(byte 0xe9\\); a label file must be UTF-8: convert the file with iconv -f <encoding> -t UTF-8`))

    err.length = 0
    expect(await runBackfillLabels(config, { file, skipInvalid: true }, deps), err.join('\n')).toBe(0)
    expect(err).toEqual([
      `line ${LATIN1_ROW + 1}: DW_VALIDATION_FAILED (row): not valid UTF-8 (byte 0xe9)`,
      expect.stringMatching(new RegExp(`: 1 invalid row\\(s\\) of ${ROWS}: DW_VALIDATION_FAILED 1; 1 of them not UTF-8: convert the file with iconv -f <encoding> -t UTF-8 `)),
    ])
    const summary = out.find((l) => l.startsWith('sent '))!
    const [, sent, skipped] = /^sent ([\d,]+), skipped \(invalid\) ([\d,]+),/.exec(summary) ?? []
    const count = (s: string | undefined) => Number(s?.replace(/,/g, ''))
    expect([count(sent), count(skipped)]).toEqual([ROWS - 1, 1])
    expect(count(sent) + count(skipped)).toBe(ROWS)
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^done: all 1,000 row\\(s\\) of .* are acknowledged`)))
    expect(JSON.parse(readFileSync(checkpointPathFor(file), 'utf8'))).toMatchObject({ rowsAcknowledged: ROWS, labelsSent: ROWS - 1, completed: true })

    const store = openStore(config.clickhouse)
    try {
      const [stored] = await queryRows<{ c: string; bad: string; ids: string }>(
        store,
        `SELECT count() AS c, countIf(prediction_id = {id:String}) AS bad, uniqExact(prediction_id) AS ids FROM {db}.ground_truth FINAL`,
        { id: `p-${LATIN1_ROW}` },
        'counting the stored labels',
      )
      expect(stored).toEqual({ c: String(ROWS - 1), bad: '0', ids: String(ROWS - 1) })
    } finally {
      await store.close()
    }
  })
})
