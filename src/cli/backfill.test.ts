import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadRuntimeConfig, type RuntimeConfig } from '../config/env.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { checkpointFor } from '../backfill/checkpoint.js'
import { checkpointPathFor, fingerprintFile, writeCheckpoint } from '../backfill/checkpoint-file.js'
import { backfillTarget, runBackfillLabels, type BackfillLabelsFlags } from './backfill.js'
import { registerBackfillCommand } from './commands.js'

const t = Date.UTC(2026, 0, 1)

describe('driftwatch backfill labels (no infrastructure: the paths that end before connecting)', () => {
  let dir: string
  let config: RuntimeConfig
  let out: string[]
  let err: string[]
  const run = (flags: BackfillLabelsFlags) => runBackfillLabels(config, flags, { out: (l) => out.push(l), err: (l) => err.push(l), progress: () => ({ increment() {}, stop() {} }) })

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-cli-backfill-'))
    config = loadRuntimeConfig({ DRIFTWATCH_DATA_DIR: join(dir, 'data'), KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' })
    out = []
    err = []
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('exits 2 with DW_FILE_NOT_FOUND for a missing file', async () => {
    expect(await run({ file: join(dir, 'missing.csv') })).toBe(2)
    expect(err).toEqual([expect.stringMatching(/^driftwatch: DW_FILE_NOT_FOUND: .*missing\.csv: no such file$/)])
  })

  it('exits 2 for a file with invalid rows, listing them by line', async () => {
    const file = join(dir, 'labels.csv')
    writeFileSync(file, `prediction_id,label,label_time\np1,a,${t}\np2,b,1999-12-31T00:00:00Z\np3,,${t}\n`)
    expect(await run({ file })).toBe(2)
    expect(err).toEqual([
      expect.stringMatching(/^line 3: DW_TIMESTAMP_OUT_OF_RANGE label_time: /),
      'line 4: DW_MISSING_FIELD label: needs label (a class) or label_value (a number)',
      `${file}: 2 invalid row(s) of 3: DW_TIMESTAMP_OUT_OF_RANGE 1, DW_MISSING_FIELD 1`,
      expect.stringMatching(/^driftwatch: DW_FILE_INVALID: .*2 invalid row\(s\); nothing was sent/),
    ])
  })

  it('exits 2 with --skip-invalid when every row is invalid: nothing to send is no success, and no checkpoint says done', async () => {
    const file = join(dir, 'labels.csv')
    writeFileSync(file, `prediction_id,label,label_time\np1,a,1999-12-31T00:00:00Z\np2,,${t}\n`)
    expect(await run({ file, skipInvalid: true })).toBe(2)
    expect(err.at(-1)).toBe(`driftwatch: DW_FILE_INVALID: ${file}: all 2 row(s) are invalid; nothing was sent`)
    expect(out.join('\n')).not.toMatch(/done:/)
    expect(existsSync(checkpointPathFor(file))).toBe(false)
  })

  it('says that the command takes labels for a predictions CSV', async () => {
    const file = join(dir, 'predictions.csv')
    writeFileSync(file, `prediction_id,model_id,event_time,features\np1,loan,${t},{}\n`)
    expect(await run({ file, skipInvalid: true })).toBe(2)
    expect(err).toEqual([expect.stringMatching(/^driftwatch: DW_FILE_INVALID: .*predictions\.csv: line 1: bad header row: model_id, event_time, features are columns of a predictions file; `driftwatch backfill labels` takes labels; unknown column/)])
  })

  it.each([
    [{ batchSize: '0' }, /--batch-size must be an integer from 1 to 100000/],
    [{ maxErrors: 'many' }, /--max-errors must be an integer/],
    [{ format: 'xml' }, /--format must be one of csv, jsonl/],
  ])('exits 2 for bad flags %j', async (flags, message) => {
    const file = join(dir, 'labels.csv')
    writeFileSync(file, `prediction_id,label,label_time\np1,a,${t}\n`)
    expect(await run({ file, ...flags })).toBe(2)
    expect(err.join('\n')).toMatch(message)
  })

  it('exits 0 without connecting when a checkpoint says every row was acknowledged', async () => {
    const file = join(dir, 'labels.csv')
    writeFileSync(file, `prediction_id,label,label_time\np1,a,${t}\n`)
    const run_ = { fileName: basename(file), fingerprint: await fingerprintFile(file), format: 'csv' as const, target: backfillTarget(config) }
    await writeCheckpoint(checkpointPathFor(file), checkpointFor(run_, 1, 1, true, new Date()))
    expect(await run({ file })).toBe(0)
    expect(out.join('\n')).toMatch(/already sent by an earlier run 1 \(1 row\(s\)\)/)
  })

  it('names the file in a problem its reader places by line: an unclosed quote, an empty file, a bad header', async () => {
    const cases = [
      ['quote.csv', `prediction_id,label,label_time\np1,"a,${t}\n`, /^line 2: malformed CSV in the row starting here \(CSV_QUOTE_NOT_CLOSED\)/],
      ['empty.csv', '', /^line 1: the file is empty/],
      ['header.csv', 'id,label\n1,a\n', /^line 1: bad header row: /],
    ] as const
    for (const [name, text, says] of cases) {
      const file = join(dir, name)
      writeFileSync(file, text)
      err = []
      expect(await run({ file }), name).toBe(2)
      expect(err, name).toHaveLength(1)
      const [, rest = ''] = /^driftwatch: DW_FILE_INVALID: (.*)$/.exec(err[0]!) ?? []
      expect(rest.startsWith(`${file}: `), err[0]).toBe(true)
      expect(rest.slice(file.length + 2), name).toMatch(says)
    }
  })

  it('names the target by brokers and topic, or by the embedded store and database', () => {
    expect(backfillTarget(config)).toBe('kafka 127.0.0.1:1 topic ground-truth')
    expect(backfillTarget(loadRuntimeConfig({ DRIFTWATCH_DATA_DIR: '/x', CLICKHOUSE_DATABASE: 'db1' }))).toBe('embedded chdb:/x/chdb database db1')
  })

  it('registers `backfill labels` with a mandatory --file', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} })
    let work: (() => Promise<number>) | null = null
    registerBackfillCommand(program, { config: () => config, configuration: async () => ({ config, file: () => DEFAULT_FILE_CONFIG }), run: (w) => (work = w) })
    await expect(program.parseAsync(['node', 'driftwatch', 'backfill', 'labels'])).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' })
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      await program.parseAsync(['node', 'driftwatch', 'backfill', 'labels', '--file', join(dir, 'nope.jsonl'), '--skip-invalid'])
      expect(await work!()).toBe(2)
      expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/DW_FILE_NOT_FOUND/))
    } finally {
      stderr.mockRestore()
    }
  })
})
