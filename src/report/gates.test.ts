import { describe, expect, it } from 'vitest'
import { isDriftwatchError } from '../errors.js'
import { evaluateGates, formatGate, needsReference, parseGates } from './gates.js'
import type { ReportJson } from './types.js'

const report: ReportJson = {
  features: { income: { drift_score: 0.3 } as never },
  dataset: { drift_share: 0.25, drifted_features: 2, evaluated_features: 8 },
  performance: {
    confidence: 0.95,
    current: { f1: 0.75, accuracy: 0.9, roc_auc: null },
    degradation: { f1: { difference: -0.05, ci_low: -0.09, ci_high: -0.01 }, roc_auc: { difference: 0.01, ci_low: -0.02, ci_high: 0.04 } },
  },
  fairness: { gender: { disparate_impact_ratio: 0.7 }, age_band: { disparate_impact_ratio: 0.95 } },
  quality: {},
  notes: [],
}

function usage(text: string): string {
  try {
    parseGates(text)
  } catch (e) {
    if (isDriftwatchError(e) && e.code === 'DW_GATE_INVALID') return e.message
    throw e
  }
  throw new Error(`"${text}" parsed`)
}

describe('--fail-on gates', () => {
  it('parses comma-separated <figure> <op> <number>, spaces allowed', () => {
    const gates = parseGates(' drift_share>0.3, performance.f1 < 0.8,fairness.gender.disparate_impact_ratio<=8e-1 ')
    expect(gates.map((g) => [g.path.join('.'), g.operator, g.threshold])).toEqual([
      ['dataset.drift_share', '>', 0.3],
      ['performance.f1', '<', 0.8],
      ['fairness.gender.disparate_impact_ratio', '<=', 0.8],
    ])
  })

  it('a parse error is DW_GATE_INVALID naming the bad part', () => {
    expect(usage('drift_share>0.3, performance.f1 << 0.8')).toBe('--fail-on: "performance.f1 << 0.8" is not <figure> <op> <number> (op: >, >=, <, <=)')
    expect(usage('performance.f2<0.8')).toContain('"performance.f2<0.8": performance.<metric>: one of accuracy')
    expect(usage('drift>0.3')).toContain('unknown figure "drift"')
    expect(usage('fairness.gender.bias<0.8')).toContain('fairness.<attribute>.<metric>')
    expect(usage('drift_share>0.3,')).toContain('empty gate')
    expect(usage('')).toContain('no gate given')
    expect(usage('drift_share>high')).toContain('"drift_share>high" is not')
  })

  it('a gate fails when its condition holds; an undefined figure fails too', () => {
    const results = evaluateGates(parseGates('drift_share>0.3, performance.f1<0.8, performance.roc_auc<0.5, features.income.drift_score>=0.3'), report)
    expect(results.map((r) => [r.name, r.value, r.failed])).toEqual([
      ['drift_share', 0.25, false],
      ['performance.f1', 0.75, true],
      ['performance.roc_auc', null, true],
      ['features.income.drift_score', 0.3, true],
    ])
  })

  it('a feature without a verdict (status insufficient): its statistics cannot be checked, its counts and threshold can', () => {
    // 10 rows: KS p = 1e-5, psi 0.9, all noise at this size; the stream's alert rules see no value either.
    const few = { drift_score: 0.9, p_value: 1e-5, adjusted_p_value: null, psi: 0.9, status: 'insufficient', current_count: 10, reference_count: 500, threshold: 0.05 }
    const r: ReportJson = { ...report, features: { ...report.features, few: few as never } }
    const results = evaluateGates(parseGates('features.few.drift_score>=0.3, features.few.psi<0.5, features.few.p_value<0.05, features.few.current_count<30, features.few.threshold>0.1'), r)
    expect(results.map((x) => [x.name, x.value, x.failed])).toEqual([
      ['features.few.drift_score', null, true],
      ['features.few.psi', null, true],
      ['features.few.p_value', null, true],
      ['features.few.current_count', 10, true],
      ['features.few.threshold', 0.05, false],
    ])
    expect(formatGate(results[1]!)).toBe('gate features.few.psi < 0.5: no value -> FAILED (feature "few" has status insufficient, no verdict)')
    // A feature with status ok, or a report without statuses, reads as before.
    const ok: ReportJson = { ...report, features: { few: { ...few, status: 'ok' } as never } }
    expect(evaluateGates(parseGates('features.few.psi<0.5'), ok)[0]).toMatchObject({ value: 0.9, failed: false })
  })

  it('fairness.*: every protected attribute is a gate of its own', () => {
    const results = evaluateGates(parseGates('fairness.*.disparate_impact_ratio<0.8'), report)
    expect(results.map((r) => [r.name, r.failed])).toEqual([
      ['fairness.gender.disparate_impact_ratio', true],
      ['fairness.age_band.disparate_impact_ratio', false],
    ])
    // An attribute the report does not have is a usage error, not a failed gate.
    expect(() => evaluateGates(parseGates('fairness.religion.disparate_impact_ratio<0.8'), report)).toThrow(/no protected attribute "religion"/)
  })

  it('degradation gates carry the interval, and print it', () => {
    const [r] = evaluateGates(parseGates('performance.degradation.f1<-0.02'), report)
    expect(r).toMatchObject({ value: -0.05, interval: { low: -0.09, high: -0.01, confidence: 0.95 }, failed: true })
    expect(formatGate(r!)).toBe('gate performance.degradation.f1 < -0.02: value -0.05000, 95% interval [-0.09000, -0.01000] -> FAILED')
    expect(formatGate(evaluateGates(parseGates('drift_share>0.3'), report)[0]!)).toBe('gate drift_share > 0.3: value 0.2500 -> passed')
  })

  it('only drift, feature and degradation gates need a reference', () => {
    expect(needsReference(parseGates('performance.f1<0.8, fairness.*.disparate_impact_ratio<0.8'))).toBe(false)
    expect(needsReference(parseGates('performance.degradation.f1<0'))).toBe(true)
    expect(needsReference(parseGates('drift_share>0.3'))).toBe(true)
  })
})

describe('gates read against the built report', () => {
  const withVerdicts: ReportJson = {
    ...report,
    features: {
      num_same: { drift_score: 0.01, drift_detected: false, status: 'ok', method: 'ks' } as never,
      num_shift: { drift_score: 0.9, drift_detected: true, status: 'ok', method: 'ks' } as never,
    },
    dataset: { ...report.dataset, left_out_as_id: ['order_id'] },
  }
  const invalid = (text: string): string => {
    try {
      evaluateGates(parseGates(text), withVerdicts)
    } catch (e) {
      if (isDriftwatchError(e) && e.code === 'DW_GATE_INVALID') return e.message
      throw e
    }
    throw new Error(`"${text}" evaluated`)
  }

  it('drift_detected reads as 1 (drift) or 0 (none), so a gate on it can pass', () => {
    const [same, shifted] = evaluateGates(parseGates('features.num_same.drift_detected>0, features.num_shift.drift_detected>0'), withVerdicts)
    expect(same).toMatchObject({ value: 0, failed: false })
    expect(shifted).toMatchObject({ value: 1, failed: true })
    expect(evaluateGates(parseGates('features.num_same.drift_detected<1'), withVerdicts)[0]).toMatchObject({ value: 0, failed: true })
  })

  it('an unknown feature is DW_GATE_INVALID with the nearest name', () => {
    expect(invalid('features.num_sme.drift_score>0.5')).toContain('no feature "num_sme" in the report (did you mean num_same?)')
  })

  it('a key that holds no number is DW_GATE_INVALID with the nearest key', () => {
    expect(invalid('features.num_same.method>0')).toContain('"method" is no number of a feature')
    expect(invalid('features.num_same.drift_scor>0')).toContain('(did you mean drift_score?)')
  })

  it('an unknown protected attribute is DW_GATE_INVALID with the nearest name', () => {
    expect(invalid('fairness.gendr.disparate_impact_ratio<0.8')).toContain('no protected attribute "gendr" in the report (did you mean gender?)')
  })

  it('a feature left out as id-like is known: its gate cannot be checked', () => {
    const [r] = evaluateGates(parseGates('features.order_id.drift_score>0.5'), withVerdicts)
    expect(r).toMatchObject({ value: null, failed: true })
    expect(formatGate(r!)).toContain('left out of the features as id-like')
  })
})

describe('dataset gates over features left out of the dataset drift', () => {
  const column = (rows: number, value: (i: number) => string) => Array.from({ length: rows }, (_, i) => value(i))

  it('a column that broke in the current file (all text): drift_share and drifted_features pass, and their lines count it', async () => {
    const { reportFromCsv, DEFAULT_REPORT_CONFIG } = await import('./index.js')
    const a = column(500, (i) => String((i * 7919) % 1000 / 100))
    const b = column(500, (i) => String((i * 104729) % 997 / 10))
    const c = column(500, (i) => (i % 3 === 0 ? 'x' : 'y'))
    const reference = { columns: ['a', 'b', 'c'], records: a.map((x, i) => ({ a: x, b: b[i]!, c: c[i]! })) }
    const current = { columns: ['a', 'b', 'c'], records: a.map((x, i) => ({ a: x, b: 'error', c: c[i]! })) }
    const r = await reportFromCsv(reference, current, DEFAULT_REPORT_CONFIG)
    const results = evaluateGates(parseGates('drift_share>0.3, drifted_features>0, evaluated_features<3'), r)
    // The verdicts and exit code are the documented ones: only the lines say what the values read.
    expect(results.map((x) => [x.name, x.value, x.failed])).toEqual([
      ['drift_share', 0, false],
      ['drifted_features', 0, false],
      ['evaluated_features', 2, true],
    ])
    expect(results.map(formatGate)).toEqual([
      'gate drift_share > 0.3: value 0 (1 of 3 features not evaluated: no values) -> passed',
      'gate drifted_features > 0: value 0 (1 of 3 features not evaluated: no values) -> passed',
      'gate evaluated_features < 3: value 2 (1 of 3 features not evaluated: no values) -> FAILED',
    ])
  })

  it('no feature evaluated: drift_share has no value and fails, drifted_features 0 passes, and both lines say so', () => {
    const empty = { drift_score: null, drift_detected: null, status: 'insufficient', method: 'ks', reference_count: 500, current_count: 0 }
    const r: ReportJson = {
      ...report,
      features: { a: empty as never, b: empty as never },
      dataset: { drift_share: null, drifted_features: 0, evaluated_features: 0, number_of_features: 3, left_out_as_id: ['order_id'] },
    }
    expect(evaluateGates(parseGates('drift_share>0.5, drifted_features>0'), r).map(formatGate)).toEqual([
      'gate drift_share > 0.5: no value (3 of 3 features not evaluated: no values, looks like an id) -> FAILED (no feature could be evaluated)',
      'gate drifted_features > 0: value 0 (3 of 3 features not evaluated: no values, looks like an id) -> passed',
    ])
  })

  it('every feature evaluated: the line is the value alone', () => {
    expect(evaluateGates(parseGates('drifted_features>3'), report).map(formatGate)).toEqual(['gate drifted_features > 3: value 2 -> passed'])
  })
})

describe('gate lines of figures the report leaves undefined', () => {
  it('a figure or interval bound the report leaves undefined reads "no value" / "-", never "undefined"', () => {
    const r: ReportJson = { ...report, performance: { ...report.performance, degradation: { f1: { difference: -0.05, ci_low: null, ci_high: null } } } }
    const lines = evaluateGates(parseGates('performance.roc_auc<0.5, performance.degradation.f1<-0.1, fairness.*.demographic_parity_ratio<0.8'), r).map(formatGate)
    expect(lines).toEqual([
      "gate performance.roc_auc < 0.5: no value -> FAILED (ROC AUC is undefined on the current file's rows; see the notes)",
      'gate performance.degradation.f1 < -0.1: value -0.05000, 95% interval [-, -] -> passed',
      'gate fairness.gender.demographic_parity_ratio < 0.8: no value -> FAILED (the report has no demographic_parity_ratio of "gender")',
      'gate fairness.age_band.demographic_parity_ratio < 0.8: no value -> FAILED (the report has no demographic_parity_ratio of "age_band")',
    ])
    for (const line of lines) expect(line.replace(' is undefined', '')).not.toContain('undefined')
  })
})

describe('a gate on a figure the report has no value of says why (regression: "cannot be checked" alone)', () => {
  const lines = (gates: string, r: Partial<ReportJson>) => evaluateGates(parseGates(gates), { ...report, fairness: {}, ...r }).map(formatGate)
  const ok = { rows: 300, status: 'ok', scored_rows: 300, scored_status: 'ok' }
  const SET_TASK = 'set task: multiclass or task: binary in the model file to read them as classes'

  it('the target was read as continuous: every performance and fairness figure says so, and how to read classes', () => {
    const performance = { task: 'continuous', positive_class: null, continuous_columns: ['label', 'prediction'], confidence: 0.95, reference: {}, current: {}, degradation: {} }
    const why = `the target was read as continuous: "label" and "prediction" hold numbers, not classes, by the rule the notes name; ${SET_TASK}`
    expect(lines('performance.accuracy<0.8, performance.degradation.f1<-0.1, fairness.*.disparate_impact_ratio<0.8, fairness.gender.equalized_odds_difference>0.1', { performance })).toEqual([
      `gate performance.accuracy < 0.8: no value -> FAILED (${why})`,
      `gate performance.degradation.f1 < -0.1: no value -> FAILED (${why})`,
      `gate fairness.*.disparate_impact_ratio < 0.8: no value -> FAILED (${why})`,
      `gate fairness.gender.equalized_odds_difference > 0.1: no value -> FAILED (${why})`,
    ])
    const one = { ...performance, continuous_columns: ['prediction'] }
    expect(lines('performance.f1<0.8', { performance: one })[0]).toContain('"prediction" holds numbers, not classes')
  })

  it('a multiclass task: the score metrics, the binary degradations and fairness', () => {
    const performance = { task: 'multiclass', positive_class: null, prediction_source: 'column', confidence: 0.95, reference: { ...ok, accuracy: 0.5 }, current: { rows: 300, status: 'ok', accuracy: 0.5 }, degradation: { accuracy: { difference: 0 } } }
    expect(lines('performance.roc_auc<0.8, performance.scored_rows<30, performance.degradation.f1<-0.1, fairness.*.demographic_parity_difference>0.1', { performance })).toEqual([
      'gate performance.roc_auc < 0.8: no value -> FAILED (the task is multiclass: ROC AUC, average precision, log loss, Brier score and ECE need one score per class, and a file has one score per row at most)',
      'gate performance.scored_rows < 30: no value -> FAILED (the task is multiclass: ROC AUC, average precision, log loss, Brier score and ECE need one score per class, and a file has one score per row at most)',
      "gate performance.degradation.f1 < -0.1: no value -> FAILED (the task is multiclass: of the degradations, only accuracy's is computed)",
      'gate fairness.*.demographic_parity_difference > 0.1: no value -> FAILED (fairness is computed for binary tasks only, and the task is multiclass)',
    ])
    const noPrediction = { ...performance, prediction_source: 'none', current: {}, reference: {}, degradation: {} }
    expect(lines('performance.accuracy<0.8', { performance: noPrediction })).toEqual([
      'gate performance.accuracy < 0.8: no value -> FAILED (the task is multiclass and the current file has no prediction column: a class cannot be derived from one score per row)',
    ])
  })

  it('a multiclass task without a score column: the line says first that there is none', () => {
    const noScore = { no_label: 0, no_prediction: 0 }
    const scored = { no_label: 0, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 0, no_prediction: 0 }
    const side = (leftOut: object) => ({ rows: 300, status: 'ok', rows_left_out: leftOut, average: 'macro', accuracy: 0.5 })
    const performance = { task: 'multiclass', positive_class: null, prediction_source: 'column', confidence: 0.95, reference: side(noScore), current: side(noScore), degradation: { accuracy: { difference: 0 } } }
    const CLASSES = 'the task is multiclass: ROC AUC, average precision, log loss, Brier score and ECE need one score per class'
    expect(lines('performance.roc_auc<0.7, performance.scored_rows<30', { performance })).toEqual([
      `gate performance.roc_auc < 0.7: no value -> FAILED (neither file has a score column, and ${CLASSES})`,
      `gate performance.scored_rows < 30: no value -> FAILED (neither file has a score column, and ${CLASSES})`,
    ])
    expect(lines('performance.roc_auc<0.7', { performance: { ...performance, reference: side(scored) } })).toEqual([
      `gate performance.roc_auc < 0.7: no value -> FAILED (the current file has no score column, and ${CLASSES})`,
    ])
    const { reference: _, ...currentOnly } = performance
    expect(lines('performance.roc_auc<0.7', { performance: currentOnly })).toEqual([
      `gate performance.roc_auc < 0.7: no value -> FAILED (the current file has no score column, and ${CLASSES})`,
    ])
    // A score column in both files (its drift is reported): one score per row is what is missing.
    expect(lines('performance.roc_auc<0.7', { performance: { ...performance, current: side(scored), reference: side(scored), score_drift: {} } })).toEqual([
      `gate performance.roc_auc < 0.7: no value -> FAILED (${CLASSES}, and a file has one score per row at most)`,
    ])
  })

  it('no label column, no score column, no protected attribute', () => {
    const binary = { task: 'binary', positive_class: '1', prediction_source: 'column', confidence: 0.95 }
    const noLabel = { ...binary, reference: ok, current: {}, degradation: {} }
    expect(lines('performance.accuracy<0.8, performance.degradation.accuracy<-0.1, fairness.g.disparate_impact_ratio<0.8', { performance: noLabel })).toEqual([
      'gate performance.accuracy < 0.8: no value -> FAILED (the current file has no label column)',
      'gate performance.degradation.accuracy < -0.1: no value -> FAILED (the current file has no label column)',
      'gate fairness.g.disparate_impact_ratio < 0.8: no value -> FAILED (fairness needs labels and predictions in the current file: the current file has no label column)',
    ])
    const noScore = { ...binary, reference: { rows: 300, status: 'ok' }, current: { rows: 300, status: 'ok', accuracy: 0.5 }, degradation: {} }
    expect(lines('performance.roc_auc<0.8, performance.degradation.roc_auc<-0.1, fairness.*.disparate_impact_ratio<0.8', { performance: noScore })).toEqual([
      'gate performance.roc_auc < 0.8: no value -> FAILED (the current file has no score column)',
      'gate performance.degradation.roc_auc < -0.1: no value -> FAILED (the current file has no score column)',
      'gate fairness.*.disparate_impact_ratio < 0.8: no value -> FAILED (the report has no protected attribute: set protected: in the model file, or --protected)',
    ])
    const neither = { ...binary, prediction_source: 'none', reference: {}, current: {}, degradation: {} }
    expect(lines('performance.f1<0.8', { performance: neither })).toEqual(['gate performance.f1 < 0.8: no value -> FAILED (the current file has neither a prediction nor a score column)'])
  })

  it('a binary metric whose definition divides by 0: what the current rows lack', () => {
    const current = { ...ok, accuracy: 1, precision: null, recall: null, f1: null, roc_auc: null, average_precision: null }
    const performance = {
      task: 'binary', positive_class: 'yes', prediction_source: 'column', confidence: 0.95, reference: ok, current,
      degradation: { recall: { reference: 0.5, current: null, difference: null, ci_low: null, ci_high: null }, false_positive_rate: { reference: null, current: 0.1, difference: null, ci_low: null, ci_high: null } },
    }
    expect(lines('performance.precision<0.8, performance.recall<0.8, performance.f1<0.8, performance.roc_auc<0.8, performance.average_precision<0.8, performance.degradation.recall<-0.1, performance.degradation.false_positive_rate>0.1', { performance })).toEqual([
      'gate performance.precision < 0.8: no value -> FAILED (precision is undefined: no current row is predicted the positive class "yes")',
      'gate performance.recall < 0.8: no value -> FAILED (recall is undefined: no current label is the positive class "yes")',
      'gate performance.f1 < 0.8: no value -> FAILED (F1 is undefined: no current label or prediction is the positive class "yes")',
      'gate performance.roc_auc < 0.8: no value -> FAILED (ROC AUC is undefined: the current labels are all of one class, and it needs both)',
      'gate performance.average_precision < 0.8: no value -> FAILED (average precision is undefined: no current label is the positive class "yes")',
      'gate performance.degradation.recall < -0.1: no value, 95% interval [-, -] -> FAILED (recall is undefined: no current label is the positive class "yes")',
      'gate performance.degradation.false_positive_rate > 0.1: no value, 95% interval [-, -] -> FAILED (the false positive rate is undefined: no reference label is the negative class (any but "yes"))',
    ])
  })

  it('a parity metric over fewer than two groups, or a ratio of 0 over 0', () => {
    const performance = { task: 'binary', positive_class: '1', prediction_source: 'column', confidence: 0.95, reference: ok, current: ok, degradation: {} }
    const gender = {
      groups: {}, min_group_size: 30, groups_compared: 2, equal_opportunity_groups_compared: 1, equalized_odds_groups_compared: 0,
      demographic_parity_difference: 0, demographic_parity_ratio: null, disparate_impact_ratio: null, equal_opportunity_difference: null, equalized_odds_difference: null,
    }
    const age = { ...gender, groups_compared: 1, demographic_parity_difference: null }
    expect(lines('fairness.*.disparate_impact_ratio<0.8, fairness.gender.equal_opportunity_difference>0.1, fairness.gender.equalized_odds_difference>0.1', { performance, fairness: { gender, age } })).toEqual([
      'gate fairness.gender.disparate_impact_ratio < 0.8: no value -> FAILED (no compared group of "gender" is predicted the positive class "1": 0 over 0)',
      'gate fairness.age.disparate_impact_ratio < 0.8: no value -> FAILED (1 of the groups of "age" has 30 or more predictions (min_group_size): a comparison needs 2)',
      'gate fairness.gender.equal_opportunity_difference > 0.1: no value -> FAILED (1 of the groups of "gender" has 30 or more labeled rows and a label of the positive class "1" (min_group_size): a comparison needs 2)',
      'gate fairness.gender.equalized_odds_difference > 0.1: no value -> FAILED (0 of the groups of "gender" have 30 or more labeled rows and labels of both classes (min_group_size): a comparison needs 2)',
    ])
  })

  it('a feature statistic the method leaves null, a dataset figure the report lacks', () => {
    const r = { features: { income: { method: 'wasserstein', status: 'ok', drift_score: 0.3, p_value: null } as never }, dataset: { drifted_features: 0, evaluated_features: 1 } }
    expect(lines('features.income.p_value<0.05, drift_share>0.3', r)).toEqual([
      'gate features.income.p_value < 0.05: no value -> FAILED (feature "income" has no p_value (method wasserstein))',
      'gate drift_share > 0.3: no value -> FAILED (the report has no drift_share; see the notes)',
    ])
  })
})
