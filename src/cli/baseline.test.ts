import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadRuntimeConfig, type RuntimeConfig } from '../config/env.js'
import type { ReferenceProfile } from '../metrics/profile/index.js'
import { baselineFormat, runBaseline, type BaselineFlags } from './baseline.js'
import { registerBaselineCommand } from './commands.js'

describe('driftwatch baseline (the store injected; test/baseline.test.ts stores for real)', () => {
  let dir: string
  let config: RuntimeConfig
  let out: string[]
  let err: string[]
  let saved: { modelId: string; profile: ReferenceProfile; source: string }[]
  const run = (flags: Omit<BaselineFlags, 'model'> & { model?: string }) =>
    runBaseline(config, { model: 'loan', ...flags }, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      now: () => 1_700_000_000_000,
      save: async (modelId, profile, source) => (saved.push({ modelId, profile, source }), 42),
    })

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-cli-baseline-'))
    writeFileSync(join(dir, 'driftwatch.yaml'), 'models:\n  - id: loan\n    positiveClass: approve\n    reference: { baseline: latest }\nevaluation: { maxSampleSize: 100 }\n')
    config = loadRuntimeConfig({ DRIFTWATCH_DATA_DIR: join(dir, 'data'), DRIFTWATCH_CONFIG: join(dir, 'driftwatch.yaml') })
    out = []
    err = []
    saved = []
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('profiles a CSV file and stores it for the model', async () => {
    const file = join(dir, 'train.csv')
    const lines = Array.from({ length: 300 }, (_, i) => `${1000 + i},${i % 3 ? 'a' : 'b'},${i % 2 ? 'approve' : 'decline'},${(i % 100) / 100}`)
    writeFileSync(file, `income,city,label,score\n${lines.join('\n')}\n`)
    expect(await run({ file })).toBe(0)
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatchObject({ modelId: 'loan', source: 'train.csv', profile: { rows: 300, targets: { positiveClass: 'approve' } } })
    expect(saved[0]!.profile.features['income']).toMatchObject({ kind: 'numerical', sample: expect.any(Array) })
    expect((saved[0]!.profile.features['income'] as { sample?: readonly number[] }).sample).toHaveLength(100)
    expect(out).toEqual(["stored baseline profile 42 for model 'loan': 300 rows, 2 features (1 numerical, 1 categorical), labels, scores"])
  })

  it('says how many rows it left out for a score the stream refuses', async () => {
    const file = join(dir, 'train.csv')
    const lines = Array.from({ length: 10 }, (_, i) => `${1000 + i},${i % 2 ? 'approve' : 'decline'},${i < 3 ? 1.5 : 0.5}`)
    writeFileSync(file, `income,label,score\n${lines.join('\n')}\n`)
    expect(await run({ file })).toBe(0)
    expect(saved[0]?.profile.rows).toBe(7)
    expect(out).toContain('note: 3 of 10 rows left out: 3 whose "score" is no probability in [0, 1] (text, infinite or out of range); the stream dead-letters such an event')
  })

  it('says how many rows it left out for each reason: an infinite feature first, then the score', async () => {
    const file = join(dir, 'train.csv')
    const lines = Array.from({ length: 10 }, (_, i) => `${i < 2 ? 'inf' : 1000 + i},${i % 2 ? 'approve' : 'decline'},${i === 1 || i === 5 ? 1.5 : 0.5}`)
    writeFileSync(file, `income,label,score\n${lines.join('\n')}\n`)
    expect(await run({ file })).toBe(0)
    expect(saved[0]?.profile.rows).toBe(7)
    expect(out).toContain('note: 3 of 10 rows left out: 2 with an infinite feature value, 1 whose "score" is no probability in [0, 1] (text, infinite or out of range); the stream dead-letters such an event')
  })

  it('reads JSON lines by extension, and says when the model does not use a baseline', async () => {
    const file = join(dir, 'train.jsonl')
    writeFileSync(file, '{"x": 1, "c": "a"}\n{"x": 2, "c": "b"}\n')
    expect(await run({ file, model: 'other' })).toBe(0)
    expect(saved[0]?.profile.features['x']?.kind).toBe('numerical')
    expect(out[1]).toMatch(/note: model 'other' is not evaluated against it/)
  })

  it('exits 2 on a missing file, an unreadable file or a bad configuration', async () => {
    expect(await run({ file: join(dir, 'nope.csv') })).toBe(2)
    expect(err.at(-1)).toMatch(/^driftwatch: DW_FILE_NOT_FOUND: .*nope\.csv: no such file$/)
    writeFileSync(join(dir, 'bad.jsonl'), '{"x": [1]}\n')
    expect(await run({ file: join(dir, 'bad.jsonl') })).toBe(2)
    expect(err.at(-1)).toMatch(/DW_FILE_INVALID: .*line 1: "x" is not a string/)
    writeFileSync(join(dir, 'driftwatch.yaml'), 'models: [{ id: loan, reference: { baseline: soon } }]\n')
    expect(await run({ file: join(dir, 'bad.jsonl') })).toBe(2)
    expect(err.at(-1)).toMatch(/DW_CONFIG_INVALID/)
    expect(saved).toEqual([])
  })

  it('picks the format from the flag, else the extension', () => {
    expect(baselineFormat('a.jsonl')).toBe('jsonl')
    expect(baselineFormat('a.NDJSON')).toBe('jsonl')
    expect(baselineFormat('a.txt')).toBe('csv')
    expect(baselineFormat('a.jsonl', 'csv')).toBe('csv')
  })

  it('registers the command with its options', () => {
    const program = new Command()
    registerBaselineCommand(program, { config: () => config, run: () => undefined })
    const cmd = program.commands.find((c) => c.name() === 'baseline')!
    expect(cmd.options.map((o) => o.long)).toEqual(['--model', '--file', '--format', '--label', '--prediction', '--score', '--exclude'])
  })
})
