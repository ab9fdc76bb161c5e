import { describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG, parseFileConfig } from './file.js'
import type { DriftwatchError } from '../errors.js'

/** The problems parseFileConfig reports for a dw.yaml, none when it parses. */
const problemsOf = (yaml: string): string[] => {
  try {
    parseFileConfig(yaml, 'dw.yaml')
    return []
  } catch (e) {
    return (e as DriftwatchError).context['problems'] as string[]
  }
}

describe('parseFileConfig', () => {
  it('fills defaults for an empty file', () => {
    expect(parseFileConfig('', 'x.yaml')).toEqual(DEFAULT_FILE_CONFIG)
    expect(DEFAULT_FILE_CONFIG.ingest.unknownModels).toBe('accept')
  })

  it('reads models and the ingest policy', () => {
    const c = parseFileConfig('ingest: { unknownModels: reject }\nmodels:\n  - id: loan\n    positiveClass: approve\n    features: { income: numerical }\n', 'x.yaml')
    expect(c.ingest.unknownModels).toBe('reject')
    expect(c.models[0]).toMatchObject({ id: 'loan', task: 'binary', features: { income: 'numerical' } })
  })

  it('reports every problem with its path', () => {
    try {
      parseFileConfig('ingest: { unknownModels: maybe, maxRecordBytes: 5 }\nmodels:\n  - id: ""\n    colour: red\n', 'dw.yaml')
      expect.unreachable()
    } catch (e) {
      const problems = (e as DriftwatchError).context['problems'] as string[]
      expect(problems.join('\n')).toMatch(/dw\.yaml: ingest\.unknownModels/)
      expect(problems.join('\n')).toMatch(/dw\.yaml: ingest\.maxRecordBytes/)
      expect(problems.join('\n')).toMatch(/dw\.yaml: models\.0\.id/)
      expect(problems.join('\n')).toMatch(/dw\.yaml: models\.0: .*colour/)
    }
  })

  it('rejects YAML that does not parse, and duplicate model ids', () => {
    expect(() => parseFileConfig('models: [', 'x.yaml')).toThrow(/not valid YAML/)
    expect(() => parseFileConfig('models: [{id: a}, {id: a}]', 'x.yaml')).toThrow(/listed twice/)
  })
})

describe('model windows, join and reference settings', () => {
  it('parses durations and references, with defaults', () => {
    const c = parseFileConfig(
      'models:\n  - id: a\n    window: 1d\n    allowedLateness: 2h\n    reference: { from: "2026-10-01", to: "2026-10-08" }\n  - id: b\njoin: { horizon: 7d }\n',
      'x.yaml',
    )
    expect(c.models[0]).toMatchObject({ window: 86_400_000, allowedLateness: 7_200_000, reference: { from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 9, 8) } })
    expect(c.models[1]).toMatchObject({ window: 3_600_000, reference: { previousWindows: 1 } })
    expect(c.join).toEqual({ indexSize: 200_000, horizon: 7 * 86_400_000, orphanAfter: 30 * 86_400_000 })
  })

  it('accepts a stored baseline profile as the reference: the newest, or a pinned version', () => {
    const c = parseFileConfig('models:\n  - id: a\n    reference: { baseline: latest }\n  - id: b\n    reference: { baseline: 1767225600000 }\n', 'x.yaml')
    expect(c.models.map((m) => m.reference)).toEqual([{ baseline: 'latest' }, { baseline: 1767225600000 }])
    for (const bad of ['{ baseline: newest }', '{ baseline: 0 }', '{ baseline: latest, previousWindows: 2 }']) {
      expect(() => parseFileConfig(`models:\n  - id: a\n    reference: ${bad}\n`, 'x.yaml'), bad).toThrow(/models\.0\.reference/)
    }
  })

  it('reports a bad duration and an inverted reference with their paths', () => {
    try {
      parseFileConfig('models:\n  - id: a\n    window: 1 hour\n    reference: { from: "2026-10-08", to: "2026-10-01" }\n', 'x.yaml')
      expect.unreachable()
    } catch (e) {
      const problems = ((e as DriftwatchError).context['problems'] as string[]).join('\n')
      expect(problems).toMatch(/models\.0\.window: expected a duration such as 30s, 5m, 1h, 7d, got "1 hour"/)
      expect(problems).toMatch(/models\.0\.reference/)
    }
  })
})

describe('problems in the words of the settings, never zod\'s "Invalid input"', () => {
  it('a duration of the wrong type, a bad text or too short says what a duration looks like and what was given', () => {
    expect(problemsOf('models:\n  - id: a\n    window: true\n    allowedLateness: [1h]\n  - id: b\n    window:\n    allowedLateness: 1 hour\n  - id: c\n    window: 500ms\njoin: { horizon: { days: 3 } }\n')).toEqual([
      'dw.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got true',
      'dw.yaml: models.0.allowedLateness: expected a duration such as 30s, 5m, 1h, 7d, got a list',
      'dw.yaml: models.1.window: expected a duration such as 30s, 5m, 1h, 7d, got null',
      'dw.yaml: models.1.allowedLateness: expected a duration such as 30s, 5m, 1h, 7d, got "1 hour"',
      'dw.yaml: models.2.window: "500ms" is shorter than 1s, the shortest allowed here',
      'dw.yaml: join.horizon: expected a duration such as 30s, 5m, 1h, 7d, got a map',
    ])
  })

  it('a word, a number or a key zod would word as "Invalid option", "Too small" or "Unrecognized key" says what is allowed and what was given', () => {
    expect(problemsOf('ingest: { unknownModels: maybe, maxRecordBytes: 10 }\nmodels:\n  - id: a\n    task: classification\n    windw: 1h\njoin: { indexSize: lots }\nmodles: []\n')).toEqual([
      'dw.yaml: ingest.unknownModels: expected one of accept, reject, got "maybe"',
      'dw.yaml: ingest.maxRecordBytes: expected a number >= 1024, got 10',
      'dw.yaml: models.0.task: expected one of binary, multiclass, regression, got "classification"',
      'dw.yaml: models.0: unknown key "windw" (did you mean window?); the keys here are id, task, positiveClass, features, protected, pii, window, allowedLateness, reference, thresholds, correction',
      'dw.yaml: join.indexSize: expected a number, got "lots"',
      'dw.yaml: (root): unknown key "modles" (did you mean models?); the keys here are ingest, models, join, retention, evaluation',
    ])
  })
})

describe('per-feature drift thresholds (the report model file syntax)', () => {
  it('reads a threshold or a method and threshold per feature, and the correction', () => {
    const c = parseFileConfig('models:\n  - id: m\n    thresholds:\n      income: 0.2\n      employment: { method: psi, threshold: 0.25 }\n    correction: none\n', 'x.yaml')
    expect(c.models[0]!.thresholds).toEqual({ income: 0.2, employment: { method: 'psi', threshold: 0.25 } })
    expect(c.models[0]!.correction).toBe('none')
    expect(parseFileConfig('models:\n  - id: m\n', 'x.yaml').models[0]).toMatchObject({ thresholds: {}, correction: 'benjamini-hochberg' })
  })

  it('reports an unknown method with its path', () => {
    try {
      parseFileConfig('models:\n  - id: m\n    thresholds:\n      income: { method: magic, threshold: 1 }\n', 'x.yaml')
      expect.unreachable()
    } catch (e) {
      expect((e as DriftwatchError).message).toContain('x.yaml: models.0.thresholds.income')
    }
  })
})

describe('durations that validate but would break the service', () => {
  it('refuses a retention past 20000d, whose TTL would wrap past 2106 and expire every row at once', () => {
    expect(problemsOf('retention: { raw: 36500d, metrics: 1e300 }')).toEqual([
      expect.stringMatching(/^dw\.yaml: retention\.raw: "36500d" is longer than .*2106/),
      expect.stringMatching(/^dw\.yaml: retention\.metrics: 1e\+300 is longer than .*2106/),
    ])
    expect(parseFileConfig('retention: { raw: 20000d }', 'x.yaml').retention.raw).toBe(20_000 * 86_400_000)
  })

  it('bounds the windows of one evaluator pass: 50 by default, a positive whole number', () => {
    expect(parseFileConfig('', 'x.yaml').evaluation.maxWindowsPerPass).toBe(50)
    expect(parseFileConfig('evaluation: { maxWindowsPerPass: 5 }', 'x.yaml').evaluation.maxWindowsPerPass).toBe(5)
    expect(problemsOf('evaluation: { maxWindowsPerPass: 0 }')).toEqual([expect.stringMatching(/^dw\.yaml: evaluation\.maxWindowsPerPass: .*1/)])
    expect(problemsOf('evaluation: { maxWindowsPerPass: 2.5 }')).toEqual([expect.stringMatching(/^dw\.yaml: evaluation\.maxWindowsPerPass: /)])
  })

  it('refuses an evaluation interval longer than a timer can wait, and spans beyond ten years', () => {
    expect(problemsOf('evaluation: { interval: 25d }')).toEqual([expect.stringMatching(/evaluation\.interval: "25d" is longer than 24d.*timer/)])
    expect(problemsOf('models:\n  - id: a\n    window: 20000d\njoin: { horizon: 5000w }\n')).toEqual([
      expect.stringMatching(/models\.0\.window: "20000d" is longer than/),
      expect.stringMatching(/join\.horizon: "5000w" is longer than/),
    ])
  })
})

describe('problems of fields with several accepted shapes say what is accepted', () => {
  it('a reference with a misspelt key lists the reference shapes', () => {
    expect(problemsOf('models:\n  - id: a\n    reference: { previousWindow: 7 }\n')).toEqual([
      'dw.yaml: models.0.reference: expected { from: <time>, to: <time> } for a fixed period, { previousWindows: <1 to 1000> } for the previous windows, { baseline: latest | <profile version> } for a stored baseline profile, got the key(s) previousWindow',
    ])
    expect(problemsOf('models:\n  - id: a\n    reference: 7\n')).toEqual([expect.stringMatching(/^dw\.yaml: models\.0\.reference: expected \{ from: .* got 7$/)])
  })

  it('a reference period whose time has no zone says so, for each bound', () => {
    const [p] = problemsOf('models:\n  - id: a\n    reference: { from: "2026-10-01T00:00:00", to: "2026-13-01" }\n')
    expect(p).toMatch(/^dw\.yaml: models\.0\.reference: from: "2026-10-01T00:00:00" is not a time with a zone \(2026-10-01T00:00:00Z, 2026-10-01T00:00:00\+02:00\) or a date \(2026-10-01, UTC\): add Z or an offset; to: "2026-13-01" is not a time with a zone/)
    expect(p).toMatch(/\(expected \{ from: <time>, to: <time> \}\)$/)
    expect(problemsOf('models:\n  - id: a\n    reference: { baseline: newest }\n')).toEqual([expect.stringMatching(/models\.0\.reference: baseline: baseline must be latest or a profile version/)])
  })

  it('an unknown threshold method lists the method names; out-of-range thresholds are refused', () => {
    const p = problemsOf('models:\n  - id: a\n    thresholds:\n      emp: { method: nope, threshold: 0.25 }\n      income: -0.2\n      y: { method: psi, threshold: -1 }\n')
    expect(p).toEqual([
      expect.stringMatching(/^dw\.yaml: models\.0\.thresholds\.emp: method: "nope" is not a drift method: use one of ks, chi2, z \(p-value tests\) or wasserstein, psi,/),
      expect.stringMatching(/^dw\.yaml: models\.0\.thresholds\.income: .*must be in \(0, 1\], got -0\.2$/),
      expect.stringMatching(/^dw\.yaml: models\.0\.thresholds\.y\.threshold: a threshold must be above 0/),
    ])
  })
})

describe('duplicate model ids', () => {
  it('are reported alongside the other problems of the file', () => {
    const p = problemsOf('models:\n  - id: a\n    window: 2x\n  - id: a\n  - id: b\n  - id: b\n  - id: b\n  - task: regression\n')
    expect(p).toEqual(expect.arrayContaining([
      'dw.yaml: models.0.window: expected a duration such as 30s, 5m, 1h, 7d, got "2x"',
      'dw.yaml: models.1.id: model id "a" is listed twice (also models.0)',
      'dw.yaml: models.3.id: model id "b" is listed twice (also models.2)',
      'dw.yaml: models.5.id: is required',
    ]))
    expect(p).toHaveLength(4)
  })
})

describe('protected attributes need a binary task', () => {
  it('reports protected on a multiclass or regression model with its path, beside the other problems', () => {
    expect(problemsOf('models:\n  - id: a\n    task: multiclass\n    protected: [gender]\n')).toEqual([
      "dw.yaml: models.0.protected: fairness is computed for binary models only, and this model's task is multiclass: remove protected, or set task: binary",
    ])
    expect(problemsOf('models:\n  - id: a\n    task: regression\n    window: 2x\n    protected: [gender]\n')).toEqual([
      expect.stringMatching(/^dw\.yaml: models\.0\.window: /),
      expect.stringMatching(/^dw\.yaml: models\.0\.protected: fairness is computed for binary models only, and this model's task is regression/),
    ])
  })

  it('accepts protected on a binary model, declared or by default, and no protected on any task', () => {
    const c = parseFileConfig('models:\n  - id: a\n    protected: [gender]\n  - id: b\n    task: binary\n    protected: [gender]\n  - id: c\n    task: multiclass\n  - id: d\n    task: regression\n    protected: []\n', 'x.yaml')
    expect(c.models.map((m) => [m.task, m.protected])).toEqual([['binary', ['gender']], ['binary', ['gender']], ['multiclass', []], ['regression', []]])
  })
})

describe('reserved feature names', () => {
  it('refuses __score__, __class__ and __value__ as features, thresholds, protected or pii, each with its path', () => {
    expect(problemsOf('models:\n  - id: a\n    features: { __score__: numerical, ok: numerical }\n    thresholds: { __class__: 0.2 }\n    protected: [g, __value__]\n    pii: [__score__]\n')).toEqual([
      expect.stringMatching(/^dw\.yaml: models\.0\.features\.__score__: is a name driftwatch reserves for the prediction's own columns \(__score__, __class__, __value__\)/),
      expect.stringMatching(/^dw\.yaml: models\.0\.thresholds\.__class__: is a name driftwatch reserves/),
      expect.stringMatching(/^dw\.yaml: models\.0\.protected\.1: is a name driftwatch reserves/),
      expect.stringMatching(/^dw\.yaml: models\.0\.pii\.0: is a name driftwatch reserves/),
    ])
  })

  it('accepts other names with underscores', () => {
    expect(parseFileConfig('models:\n  - id: a\n    features: { __scores: numerical, _x_: categorical }\n', 'x.yaml').models[0]!.features).toEqual({ __scores: 'numerical', _x_: 'categorical' })
  })
})

describe('names carry no control or bidi formatting characters', () => {
  // YAML double-quoted strings take \u escapes, so each name below holds the raw character.
  const problem = (path: string, code: string, at: number) =>
    `dw.yaml: ${path}: contains U+${code} at position ${at}, a control or bidi formatting character a terminal would obey: remove it`

  it.each([
    ['ESC', '\\u001b', '001B'],
    ['NUL', '\\u0000', '0000'],
    ['a newline', '\\n', '000A'],
    ['DEL', '\\u007f', '007F'],
    ['the C1 CSI', '\\u009b', '009B'],
    ['a right-to-left override', '\\u202e', '202E'],
    ['a first-strong isolate', '\\u2068', '2068'],
  ])('a model id with %s is refused with its path and position', (_, escaped, code) => {
    expect(problemsOf(`models:\n  - id: "ok"\n  - id: "ab${escaped}c"\n`)).toEqual([problem('models.1.id', code, 2)])
  })

  it('the positive class, feature, threshold, protected and pii names, each with its path, beside the other problems', () => {
    const yaml = [
      'models:',
      '  - id: a',
      '    window: 2x',
      '    positiveClass: "yes\\u001b[2J"',
      '    features: { "inc\\u009bome": numerical, ok: categorical }',
      '    thresholds: { "\\u202eage": 0.2 }',
      '    protected: [g, "gr\\u2066oup"]',
      '    pii: ["zip\\u001b]8;;"]',
      '',
    ].join('\n')
    expect(problemsOf(yaml)).toEqual([
      expect.stringMatching(/^dw\.yaml: models\.0\.window: /),
      problem('models.0.positiveClass', '001B', 3),
      problem('models.0.features.inc\u009bome', '009B', 3),
      problem('models.0.thresholds.\u202eage', '202E', 0),
      problem('models.0.protected.1', '2066', 2),
      problem('models.0.pii.0', '001B', 3),
    ])
  })

  it('accepts spaces, accents, other scripts, emoji, backslashes and the characters just outside the ranges', () => {
    const c = parseFileConfig('models:\n  - id: "credit risk ünö 😀 C:\\\\x \\u00a0\\u2029\\u206a"\n    positiveClass: "β"\n    features: { "größe (cm)": numerical, "中文": categorical }\n    protected: ["\\u00a9"]\n', 'x.yaml')
    expect(c.models[0]!.id).toBe('credit risk ünö 😀 C:\\x \u00a0\u2029\u206a')
    expect(Object.keys(c.models[0]!.features)).toEqual(['größe (cm)', '中文'])
  })
})

describe('a value of the wrong type is a problem with its path, never a crash', () => {
  it('models left empty, a list of null, or a single model not in a list', () => {
    expect(problemsOf('models:\n')).toEqual(['dw.yaml: models: expected a list of models, got null'])
    expect(problemsOf('models:\n  - null\n')).toEqual(['dw.yaml: models.0: expected a model, a map such as { id: loan-approval }, got null'])
    expect(problemsOf('models: { id: a }\n')).toEqual(['dw.yaml: models: expected a list of models, got a map with the key(s) id'])
    expect(problemsOf('models: [a, 5, [x]]\n')).toEqual([
      'dw.yaml: models.0: expected a model, a map such as { id: loan-approval }, got "a"',
      'dw.yaml: models.1: expected a model, a map such as { id: loan-approval }, got 5',
      'dw.yaml: models.2: expected a model, a map such as { id: loan-approval }, got a list',
    ])
  })

  it('fields of a model and sections of the file of the wrong type', () => {
    const p = problemsOf('models:\n  - id: a\n    features: null\n    thresholds: 5\n    protected: x\n    pii: { a: 1 }\n    window: { a: 1 }\n    allowedLateness: [1h]\n    reference: null\n')
    expect(p).toEqual([
      'dw.yaml: models.0.features: expected a map of feature names to numerical or categorical, got null',
      'dw.yaml: models.0.protected: expected a list of feature names, got "x"',
      'dw.yaml: models.0.pii: expected a list of feature names, got a map with the key(s) a',
      expect.stringMatching(/^dw\.yaml: models\.0\.window: /),
      expect.stringMatching(/^dw\.yaml: models\.0\.allowedLateness: /),
      expect.stringMatching(/^dw\.yaml: models\.0\.reference: expected \{ from: .*, got null$/),
      'dw.yaml: models.0.thresholds: expected a map of feature names to thresholds, got 5',
    ])
    expect(problemsOf('ingest: 5\njoin: []\nretention: null\nevaluation: x\n')).toEqual([
      'dw.yaml: ingest: expected a map of settings, got 5',
      'dw.yaml: join: expected a map of settings, got an empty list',
      'dw.yaml: retention: expected a map of settings, got null',
      'dw.yaml: evaluation: expected a map of settings, got "x"',
    ])
    expect(problemsOf('- a\n')).toEqual(['dw.yaml: (root): expected a map of sections (ingest, models, join, retention, evaluation), got a list'])
  })

  it('the checks across fields still run beside a model of the wrong type and a field of the wrong type', () => {
    expect(problemsOf('models:\n  - id: a\n    features: { __score__: numerical }\n    protected: 5\n  - null\n  - id: a\n')).toEqual([
      'dw.yaml: models.0.protected: expected a list of feature names, got 5',
      expect.stringMatching(/^dw\.yaml: models\.0\.features\.__score__: is a name driftwatch reserves/),
      'dw.yaml: models.1: expected a model, a map such as { id: loan-approval }, got null',
      'dw.yaml: models.2.id: model id "a" is listed twice (also models.0)',
    ])
  })
})
