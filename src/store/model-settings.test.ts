import { describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG, parseFileConfig } from '../config/file.js'
import { checkModelSettings, checkPseudonymizationKey, concurrentKeyProblem, rowLookups, sameSettings, settingsOf, type ModelSettings, type StoredModel } from './model-settings.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const source = { path: 'prod/driftwatch.yaml', found: true }
const yaml = (models: string) => parseFileConfig(`models:\n${models}`, 'test.yaml')
const daily = yaml('  - id: loan\n    window: 1d\n    pii: [zip_code]\n')
const stored = (entries: Record<string, Partial<StoredModel>>) =>
  new Map(Object.entries(entries).map(([id, s]) => [id, { recorded: null, windowSizes: [], hasRows: false, ...s }]))
const recorded = (windowMs: number, pii: string[] = []): ModelSettings => ({ windowMs, pii })

describe('settingsOf and sameSettings', () => {
  it('compares pii as a set: order and repeats do not make a change', () => {
    expect(settingsOf({ window: HOUR, pii: ['b', 'a', 'b'] })).toEqual({ windowMs: HOUR, pii: ['a', 'b'] })
    expect(sameSettings(settingsOf({ window: HOUR, pii: ['b', 'a'] }), recorded(HOUR, ['a', 'b']))).toBe(true)
    expect(sameSettings(recorded(HOUR, ['a']), recorded(DAY, ['a']))).toBe(false)
    expect(sameSettings(recorded(HOUR, ['a']), recorded(HOUR, ['a', 'b']))).toBe(false)
  })
})

describe('checkModelSettings', () => {
  it('a fresh database records every listed model, with no problem and no warning', () => {
    const check = checkModelSettings(daily, new Map(), source)
    expect(check).toEqual({ problems: [], warnings: [], record: [{ modelId: 'loan', settings: { windowMs: DAY, pii: ['zip_code'] } }] })
  })

  it('settings as recorded: nothing to record again', () => {
    expect(checkModelSettings(daily, stored({ loan: { recorded: recorded(DAY, ['zip_code']), windowSizes: [DAY] } }), source)).toEqual({ problems: [], warnings: [], record: [] })
  })

  it('refuses a window changed while windows are stored, naming the path, both sizes and what to do', () => {
    const check = checkModelSettings(daily, stored({ loan: { recorded: recorded(HOUR, ['zip_code']), windowSizes: [HOUR] } }), source)
    expect(check.problems).toEqual([
      'prod/driftwatch.yaml: models.0.window: 1d for model "loan", but its stored windows are 1h, and windows of two sizes cannot share a model id: ' +
        "set window: 1h again, or send the model's events under a new model id to monitor them in 1d windows",
    ])
    expect(check.record).toEqual([])
  })

  it('refuses a window changed while predictions are stored that no evaluation has windowed yet (the recorded size is stored)', () => {
    const check = checkModelSettings(daily, stored({ loan: { recorded: recorded(HOUR, ['zip_code']), hasRows: true } }), source)
    expect(check.problems).toEqual([expect.stringMatching(/^prod\/driftwatch\.yaml: models\.0\.window: 1d for model "loan", but its stored windows are 1h,/)])
  })

  it('takes a changed window when nothing of the model is stored, and records it', () => {
    const check = checkModelSettings(daily, stored({ loan: { recorded: recorded(HOUR, ['zip_code']) } }), source)
    expect(check).toEqual({ problems: [], warnings: [], record: [{ modelId: 'loan', settings: { windowMs: DAY, pii: ['zip_code'] } }] })
  })

  it('a database from before the settings were recorded: the window comes from window_state, refused when it differs', () => {
    expect(checkModelSettings(daily, stored({ loan: { windowSizes: [HOUR] } }), source).problems).toEqual([
      expect.stringMatching(/^prod\/driftwatch\.yaml: models\.0\.window: 1d for model "loan", but its stored windows are 1h, .*set window: 1h again/),
    ])
    expect(checkModelSettings(daily, stored({ loan: { windowSizes: [DAY] } }), source)).toEqual({ problems: [], warnings: [], record: [{ modelId: 'loan', settings: { windowMs: DAY, pii: ['zip_code'] } }] })
  })

  it('windows of two sizes already stored, unrecorded: the configured one among them is taken with a warning, another one refused', () => {
    const check = checkModelSettings(daily, stored({ loan: { windowSizes: [DAY, HOUR] } }), source)
    expect(check.problems).toEqual([])
    expect(check.warnings).toEqual([{ modelId: 'loan', message: expect.stringMatching(/^prod\/driftwatch\.yaml: models\.0\.window: model "loan" has stored windows of 1h beside its 1d ones/) }])
    expect(check.record).toEqual([{ modelId: 'loan', settings: { windowMs: DAY, pii: ['zip_code'] } }])
    const other = checkModelSettings(yaml('  - id: loan\n    window: 2h\n'), stored({ loan: { windowSizes: [DAY, HOUR] } }), source)
    expect(other.problems).toEqual([expect.stringContaining('its stored windows are 1h and 1d, and windows of two sizes cannot share a model id: set window: 1h or 1d again')])
    // Once recorded, the next start says nothing more.
    expect(checkModelSettings(daily, stored({ loan: { recorded: recorded(DAY, ['zip_code']), windowSizes: [DAY, HOUR] } }), source)).toEqual({ problems: [], warnings: [], record: [] })
  })

  it('once recorded, a move to the other of two stored sizes is refused', () => {
    const check = checkModelSettings(yaml('  - id: loan\n    window: 1h\n'), stored({ loan: { recorded: recorded(DAY), windowSizes: [DAY, HOUR] } }), source)
    expect(check.problems).toEqual([expect.stringContaining('models.0.window: 1h for model "loan", but its stored windows are 1h and 1d, and windows of two sizes cannot share a model id: set window: 1d again')])
  })

  it('refuses a pii list that lost features while rows are stored: their values would be stored in clear beside pseudonyms', () => {
    const file = yaml('  - id: loan\n    window: 1d\n    pii: [email]\n')
    const check = checkModelSettings(file, stored({ loan: { recorded: recorded(DAY, ['email', 'phone', 'zip_code']), windowSizes: [DAY] } }), source)
    expect(check.problems).toEqual([
      'prod/driftwatch.yaml: models.0.pii: model "loan" no longer lists "phone" and "zip_code", whose stored values are pseudonyms, and its new values would be stored in clear beside them: ' +
        "add them to pii again, or send the model's events under a new model id",
    ])
    expect(check.record).toEqual([])
  })

  it('takes a pii list that lost a feature when nothing of the model is stored', () => {
    const file = yaml('  - id: loan\n    window: 1d\n')
    expect(checkModelSettings(file, stored({ loan: { recorded: recorded(DAY, ['zip_code']) } }), source)).toEqual({ problems: [], warnings: [], record: [{ modelId: 'loan', settings: { windowMs: DAY, pii: [] } }] })
  })

  it('warns of each feature added to pii while rows are stored (its earlier values stay in clear, drift against a raw reference), and records the new list', () => {
    const file = yaml('  - id: loan\n    window: 1d\n    pii: [zip_code, email, phone]\n')
    const check = checkModelSettings(file, stored({ loan: { recorded: recorded(DAY, ['zip_code']), windowSizes: [DAY] } }), source)
    expect(check.problems).toEqual([])
    expect(check.warnings.map((w) => w.message)).toEqual([
      'prod/driftwatch.yaml: models.0.pii: "email" of model "loan" is new in pii: its values stored until now stay in clear, and drift of "email" against a reference of raw values is not meaningful until the reference is rebuilt from pseudonymized values (a new baseline, or a period after this change)',
      expect.stringMatching(/^prod\/driftwatch\.yaml: models\.0\.pii: "phone" of model "loan" is new in pii: /),
    ])
    expect(check.record).toEqual([{ modelId: 'loan', settings: { windowMs: DAY, pii: ['email', 'phone', 'zip_code'] } }])
  })

  it('a model taken out of the file gets the defaults: refused in one line that says what to list it with', () => {
    const check = checkModelSettings(yaml('  - id: other\n'), stored({ loan: { recorded: recorded(DAY, ['zip_code']), windowSizes: [DAY] } }), source)
    expect(check.problems).toEqual([
      'prod/driftwatch.yaml: models: model "loan" is not listed, so the defaults apply (window 1h, no pii), but its stored windows are 1d and its stored values of "zip_code" are pseudonyms, ' +
        'and windows of two sizes cannot share a model id, and its pii values would be stored in clear beside pseudonyms: list it again with window: 1d, pii: ["zip_code"]',
    ])
  })

  it('no configuration file found: says so, and to run where the service\'s file is', () => {
    const check = checkModelSettings(DEFAULT_FILE_CONFIG, stored({ loan: { recorded: recorded(DAY), windowSizes: [DAY] } }), { path: 'driftwatch.yaml', found: false })
    expect(check.problems).toEqual([
      'driftwatch.yaml: not found, so the defaults apply (window 1h, no pii) to model "loan", but its stored windows are 1d, and windows of two sizes cannot share a model id: ' +
        "run this where the service's configuration file is, or set DRIFTWATCH_CONFIG to it",
    ])
  })

  it('an unlisted model whose stored rows agree with the defaults is recorded with them', () => {
    const check = checkModelSettings(yaml('  - id: other\n'), stored({ seen: { windowSizes: [HOUR] } }), source)
    expect(check).toEqual({ problems: [], warnings: [], record: [{ modelId: 'other', settings: { windowMs: HOUR, pii: [] } }, { modelId: 'seen', settings: { windowMs: HOUR, pii: [] } }] })
  })

  it('lists every problem of every model at once, and records nothing', () => {
    const file = yaml('  - id: a\n    window: 1d\n  - id: b\n    window: 1h\n')
    const check = checkModelSettings(file, stored({ a: { recorded: recorded(HOUR), windowSizes: [HOUR] }, b: { recorded: recorded(HOUR, ['x']), windowSizes: [HOUR] }, c: { recorded: recorded(DAY), windowSizes: [DAY] } }), source)
    expect(check.problems.map((p) => p.split(':').slice(0, 2).join(':'))).toEqual(['prod/driftwatch.yaml: models.0.window', 'prod/driftwatch.yaml: models.1.pii', 'prod/driftwatch.yaml: models'])
    expect(check.record).toEqual([])
  })
})

describe('rowLookups', () => {
  it('names only the models whose recorded settings changed and that have no window to tell whether rows are stored', () => {
    const recordedSettings = new Map([['same', recorded(DAY, ['zip_code'])], ['changed', recorded(HOUR)], ['windowed', recorded(HOUR)]])
    const file = yaml('  - id: same\n    window: 1d\n    pii: [zip_code]\n  - id: changed\n    window: 1d\n  - id: windowed\n    window: 1d\n')
    expect(rowLookups(file, recordedSettings, new Map([['windowed', [HOUR]]]))).toEqual(['changed'])
  })
})

describe('checkPseudonymizationKey', () => {
  const [K1, K2] = ['a'.repeat(64), 'b'.repeat(64)]
  const configured = { fingerprint: K2, keyFile: null }
  const embedded = { fingerprint: K2, keyFile: '/var/lib/driftwatch/pseudonymization.key' }

  it('the recorded key: nothing to record', () => {
    expect(checkPseudonymizationKey(configured, { recorded: K2, pseudonymsStored: true }, 'dw')).toEqual({ problem: null, record: false })
  })

  it('none recorded (a fresh database, or one from before the record): the key in use is recorded, stored pseudonyms or not', () => {
    expect(checkPseudonymizationKey(configured, { recorded: null, pseudonymsStored: false }, 'dw')).toEqual({ problem: null, record: true })
    expect(checkPseudonymizationKey(configured, { recorded: null, pseudonymsStored: true }, 'dw')).toEqual({ problem: null, record: true })
  })

  it('another key with no pseudonym stored: recorded', () => {
    expect(checkPseudonymizationKey(configured, { recorded: K1, pseudonymsStored: false }, 'dw')).toEqual({ problem: null, record: true })
  })

  it('another key while pseudonyms are stored: refused in one line naming the variable, both fingerprints in short and the way out', () => {
    expect(checkPseudonymizationKey(configured, { recorded: K1, pseudonymsStored: true }, 'dw')).toEqual({
      problem:
        'DRIFTWATCH_PSEUDONYMIZATION_KEY: the key differs from the one that pseudonymized the subject ids and pii values stored in database dw ' +
        "(fingerprint aaaaaaaaaaaa, this key's bbbbbbbbbbbb), and pseudonyms under two keys no longer join, erase or compare: " +
        'set DRIFTWATCH_PSEUDONYMIZATION_KEY (or DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE) to the key that pseudonymized the stored rows, or use a new database (CLICKHOUSE_DATABASE) for the new key',
      record: false,
    })
  })

  it('the embedded key file made again: names the file to restore', () => {
    const { problem } = checkPseudonymizationKey(embedded, { recorded: K1, pseudonymsStored: true }, 'dw')
    expect(problem).toMatch(/^DRIFTWATCH_PSEUDONYMIZATION_KEY: not set, so the key in \/var\/lib\/driftwatch\/pseudonymization\.key applies, and it differs from the one that pseudonymized /)
    expect(problem).toContain('restore /var/lib/driftwatch/pseudonymization.key (or set DRIFTWATCH_PSEUDONYMIZATION_KEY to the key that pseudonymized the stored rows), or use a new database')
    expect(problem).not.toMatch(/\n/)
  })
})

describe('concurrentKeyProblem', () => {
  const key = { fingerprint: 'b'.repeat(64), keyFile: null }
  it('only this start recorded since: no problem', () => {
    expect(concurrentKeyProblem(key, [key.fingerprint], 'dw')).toBeNull()
    expect(concurrentKeyProblem(key, [], 'dw')).toBeNull()
  })

  it('another start recorded another key since: refused, naming it the same way whatever the order read', () => {
    const problem = concurrentKeyProblem(key, [key.fingerprint, 'c'.repeat(64), 'a'.repeat(64)], 'dw')
    expect(problem).toBe(
      "DRIFTWATCH_PSEUDONYMIZATION_KEY: the key differs from the one another start recorded for database dw at the same time (fingerprint aaaaaaaaaaaa, this key's bbbbbbbbbbbb), " +
        'and every instance on one database must pseudonymize with one key: set the same DRIFTWATCH_PSEUDONYMIZATION_KEY (or DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE) on all of them',
    )
    expect(concurrentKeyProblem(key, ['a'.repeat(64), 'c'.repeat(64), key.fingerprint], 'dw')).toBe(problem)
  })
})
