/**
 * A label file with no data rows is refused (exit 2, one line, nothing sent, no checkpoint): such a
 * file is almost always an export that failed or was cut short. Regression: a CSV with a header
 * and no rows, and an empty or blank JSON Lines file, exited 0 with "done: all 0 row(s) ... are
 * acknowledged" and wrote a completed checkpoint. An empty CSV was refused already, and still is.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkpointPathFor } from '../src/backfill/checkpoint-file.js'
import { runBackfillLabels } from '../src/cli/backfill.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { DEFAULT_FILE_CONFIG } from '../src/config/file.js'
import { testConfig } from './support/config.js'

const CASES = [
  ['header.csv', 'prediction_id,label,label_time\n', 'the file has a header and no rows; nothing was sent'],
  ['header-then-blank-lines.csv', 'prediction_id,label,label_time\r\n\r\n  \r\n', 'the file has a header and no rows; nothing was sent'],
  ['empty.jsonl', '', 'the file is empty; nothing was sent'],
  ['blank.jsonl', '\n  \n\r\n', 'the file has no rows, only blank lines; nothing was sent'],
  ['empty.csv', '', 'line 1: the file is empty: a CSV label file starts with a header row'],
] as const

function refusesEveryFileWithNoRows(mode: string, config: () => RuntimeConfig) {
  describe(`backfill labels (${mode}): a file with no rows`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-backfill-no-rows-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it.each(CASES)('%s: exit 2, one line that says so, and no checkpoint', async (name, text, says) => {
      const file = join(dir, name)
      writeFileSync(file, text)
      const out: string[] = []
      const err: string[] = []
      const deps = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), progress: () => ({ increment() {}, stop() {} }), file: DEFAULT_FILE_CONFIG }
      for (const skipInvalid of [false, true]) {
        err.length = 0
        expect(await runBackfillLabels(config(), { file, skipInvalid }, deps), [...out, ...err].join('\n')).toBe(2)
        expect(err).toEqual([`driftwatch: DW_FILE_INVALID: ${file}: ${says}${says.includes('nothing was sent') ? ' (was the export that wrote it cut short?)' : ''}`])
      }
      expect(out.join('\n')).not.toMatch(/done:|sending/)
      expect(existsSync(checkpointPathFor(file))).toBe(false)
    })
  })
}

// Refused before any connection is made: no store or topic is created, so there is nothing to drop.
refusesEveryFileWithNoRows('embedded', () => testConfig({ kafka: false }))
refusesEveryFileWithNoRows('Kafka', () => testConfig())
