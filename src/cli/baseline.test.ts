import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadRuntimeConfig, type RuntimeConfig } from '../config/env.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import type { ReferenceProfile } from '../metrics/profile/index.js'
import { missingTargetProblem, runBaseline, type BaselineFlags } from './baseline.js'
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

  it('picks the format from the flag, else the extension as backfill does: a file without a known extension needs --format', async () => {
    const file = join(dir, 'train')
    writeFileSync(file, 'income,city\n1,a\n2,b\n')
    expect(await run({ file })).toBe(2)
    expect(err.at(-1)).toMatch(/^driftwatch: DW_CONFIG_INVALID: cannot tell the format of .*train from its extension \(\.csv, \.jsonl, \.ndjson\): pass --format csv\|jsonl$/)
    expect(saved).toEqual([])
    expect(await run({ file, format: 'csv' })).toBe(0)
    writeFileSync(join(dir, 'train.NDJSON'), '{"x": 1}\n')
    expect(await run({ file: join(dir, 'train.NDJSON') })).toBe(0)
    expect(saved.map((s) => Object.keys(s.profile.features))).toEqual([['city', 'income'], ['x']])
  })

  it('refuses a target column named on the command line that the file lacks, naming the flag and the columns', async () => {
    const file = join(dir, 'train.csv')
    writeFileSync(file, 'income,city,label\n1,a,approve\n2,b,decline\n')
    expect(await run({ file, label: 'nonexist' })).toBe(2)
    expect(err.at(-1)).toBe(`driftwatch: DW_FILE_INVALID: --label "nonexist": no such column in ${file}; its columns: income, city, label`)
    expect(await run({ file, score: 's', prediction: 'p' })).toBe(2)
    expect(err.at(-1)).toMatch(/DW_FILE_INVALID: --prediction "p", --score "s": no such column/)
    writeFileSync(join(dir, 'train.jsonl'), '{"x": 1, "y": "approve"}\n')
    expect(await run({ file: join(dir, 'train.jsonl'), label: 'target' })).toBe(2)
    expect(err.at(-1)).toMatch(/--label "target": no such column in .*train\.jsonl; its columns: x, y$/)
    expect(saved).toEqual([])
  })

  it('keeps a target left out optional: a file without labels stores features only', async () => {
    const file = join(dir, 'train.csv')
    writeFileSync(file, 'income,city\n1,a\n2,b\n')
    expect(await run({ file })).toBe(0)
    expect(out.at(-1)).toBe("stored baseline profile 42 for model 'loan': 2 rows, 2 features (1 numerical, 1 categorical)")
    expect(missingTargetProblem({}, ['a'], 'f.csv')).toBeNull()
  })

  it('checks a target flag given with its default name like any other', async () => {
    const file = join(dir, 'train.csv')
    writeFileSync(file, 'income,city\n1,a\n2,b\n')
    expect(await run({ file, label: 'label' })).toBe(2)
    expect(err.at(-1)).toBe(`driftwatch: DW_FILE_INVALID: --label "label": no such column in ${file}; its columns: income, city`)
    expect(saved).toEqual([])
  })

  it('refuses a model id driftwatch.yaml would refuse: empty or over 256 characters', async () => {
    const file = join(dir, 'train.csv')
    writeFileSync(file, 'income\n1\n')
    expect(await run({ file, model: '' })).toBe(2)
    expect(err.at(-1)).toBe('driftwatch: DW_CONFIG_INVALID: --model must be a model id of 1 to 256 characters, as in driftwatch.yaml, got an empty one')
    expect(await run({ file, model: 'm'.repeat(257) })).toBe(2)
    expect(err.at(-1)).toMatch(/got 257 characters$/)
    expect(saved).toEqual([])
    expect(await run({ file, model: 'm'.repeat(256) })).toBe(0)
  })

  it('refuses a model id with a control or bidi character, as driftwatch.yaml does, in one line that does not print it', async () => {
    const file = join(dir, 'train.csv')
    writeFileSync(file, 'income\n1\n')
    for (const [model, code, at] of [['loan\u001b[2J', '001B', 4], ['lo\u202ean', '202E', 2], ['\u0085loan', '0085', 0], ['loan\u2066', '2066', 4]] as const) {
      expect(await run({ file, model })).toBe(2)
      expect(err.at(-1)).toBe(`driftwatch: DW_CONFIG_INVALID: --model contains U+${code} at position ${at}, a control or bidi formatting character a terminal would obey: remove it`)
    }
    expect(err).toHaveLength(4)
    expect(out).toEqual([])
    expect(saved).toEqual([])
    expect(await run({ file, model: 'größe 中文 😀' })).toBe(0)
  })

  it('refuses an --exclude column the file lacks, as report does, naming it and the columns', async () => {
    const file = join(dir, 'train.csv')
    writeFileSync(file, 'order_id,income,label\n1,10,approve\n2,20,decline\n')
    expect(await run({ file, exclude: 'order-id' })).toBe(2)
    expect(err.at(-1)).toBe(`driftwatch: DW_CONFIG_INVALID: --exclude: no column "order-id" in ${file}; its columns: order_id, income, label`)
    expect(saved).toEqual([])
    expect(await run({ file, exclude: 'order_id' })).toBe(0)
    expect(Object.keys(saved[0]!.profile.features)).toEqual(['income'])
  })

  it('refuses a model driftwatch.yaml does not list when it refuses unlisted models, naming the ones it lists', async () => {
    const file = join(dir, 'train.csv')
    writeFileSync(file, 'income\n1\n2\n')
    writeFileSync(join(dir, 'driftwatch.yaml'), 'ingest: { unknownModels: reject }\nmodels:\n  - id: loan\n  - id: fraud\n')
    expect(await run({ file, model: 'lona' })).toBe(2)
    expect(err.at(-1)).toBe(`driftwatch: DW_CONFIG_INVALID: --model "lona" is not a model of ${join(dir, 'driftwatch.yaml')}, which refuses unlisted models (ingest.unknownModels: reject); its models: loan, fraud`)
    expect(saved).toEqual([])
  })

  it('prints a driftwatch.yaml with several problems as main does: a heading, then one problem per line', async () => {
    const file = join(dir, 'train.csv')
    writeFileSync(file, 'income\n1\n2\n')
    writeFileSync(join(dir, 'driftwatch.yaml'), 'models:\n  - id: loan\n    window: true\n    task: clasification\n')
    expect(await run({ file })).toBe(2)
    const yaml = join(dir, 'driftwatch.yaml')
    expect(err).toEqual([`driftwatch: DW_CONFIG_INVALID: invalid configuration:\n  ${yaml}: models.0.task: expected one of binary, multiclass, regression, got "clasification"\n  ${yaml}: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got true`])
  })

  it('registers the command with its options', () => {
    const program = new Command()
    registerBaselineCommand(program, { config: () => config, configuration: async () => ({ config, file: () => DEFAULT_FILE_CONFIG }), run: () => undefined })
    const cmd = program.commands.find((c) => c.name() === 'baseline')!
    expect(cmd.options.map((o) => o.long)).toEqual(['--model', '--file', '--format', '--label', '--prediction', '--score', '--exclude'])
    // Target flags left out stay undefined (their defaults apply later), so that a flag given is told apart.
    program.parse(['baseline', '--model', 'loan', '--file', 'f.csv', '--score', 'p1'], { from: 'user' })
    expect(cmd.opts()).toEqual({ model: 'loan', file: 'f.csv', score: 'p1' })
  })
})
