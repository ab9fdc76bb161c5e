import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DriftwatchError } from '../errors.js'
import { parseRuleFile, parseRuleFiles } from './parse.js'
import { DRIFT_STATISTICS, FAIRNESS_STATISTICS, PERFORMANCE_STATISTICS, QUALITY_STATISTICS } from './statistics.js'

const problemsOf = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    expect((e as DriftwatchError).code).toBe('DW_CONFIG_INVALID')
    return ((e as DriftwatchError).context['problems'] as string[]).join('\n')
  }
  throw new Error('expected DW_CONFIG_INVALID')
}

describe('rule files', () => {
  it('parses a drift rule with defaults', () => {
    const set = parseRuleFile(`rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n`, 'a.yaml')
    expect(set.rules[0]).toMatchObject({
      name: 'psi', metric: 'drift', statistic: 'psi', target: 'feature', severity: 'warning', channels: ['slack', 'email', 'grafana'], cooldown: 0,
      condition: { op: '>=', threshold: 0.2, consecutive: 1, minSamples: 0 }, select: {},
    })
    expect(set.sources.get('psi')).toBe('a.yaml')
  })

  it('normalizes selectors to lists and parses durations and silences', () => {
    const set = parseRuleFile(
      `rules:\n  - name: di\n    metric: fairness\n    statistic: disparate_impact_ratio\n    select: { model: loan-*, group: [group, gender] }\n    condition: { op: '<', threshold: 0.8, consecutive: 2 }\n    cooldown: 6h\n` +
        `silences:\n  - { rule: di, until: "2030-01-01T00:00:00Z", reason: retrain }\n`,
      'f.yaml',
    )
    expect(set.rules[0]).toMatchObject({ select: { model: ['loan-*'], group: ['group', 'gender'] }, cooldown: 6 * 3_600_000, condition: { consecutive: 2 } })
    expect(set.silences[0]).toEqual({ rule: 'di', until: Date.UTC(2030, 0, 1), reason: 'retrain' })
  })

  it('reports every problem with file, path and reason', () => {
    const p = problemsOf(() =>
      parseRuleFile(
        `rules:\n  - name: Bad Name\n    metric: drift\n    condition: { op: '=>', threshold: x }\n  - name: ok\n    metric: performance\n    condition: { op: '<', threshold: 1 }\n    colour: red\n  - name: m\n    metric: nope\n    condition: { op: '<', threshold: 1 }\nsilences:\n  - { until: "2030-01-01" }\n`,
        'rules/x.yaml',
      ),
    )
    expect(p).toMatch(/rules\/x\.yaml: rules\.0\.name: must be lowercase/)
    expect(p).toMatch(/rules\/x\.yaml: rules\.0\.condition\.op/)
    expect(p).toMatch(/rules\/x\.yaml: rules\.0\.condition\.threshold/)
    expect(p).toMatch(/rules\/x\.yaml: rules\.1\.statistic: a performance rule names its statistic, e\.g\. statistic: f1/)
    expect(p).toMatch(/rules\/x\.yaml: rules\.1: .*colour/)
    expect(p).toMatch(/rules\/x\.yaml: rules\.2\.metric: metric must be one of drift, dataset_drift/)
    expect(p).toMatch(/rules\/x\.yaml: silences\.0: a silence names a rule, a model, or both/)
  })

  it('rejects a field that belongs to another metric, bad YAML, and a rule defined twice across files', () => {
    expect(problemsOf(() => parseRuleFile(`rules:\n  - name: a\n    metric: quality\n    statistic: missing_rate\n    target: feature\n    condition: { op: '>', threshold: 0.1 }\n`, 'q.yaml'))).toMatch(/q\.yaml: rules\.0: .*target/)
    expect(problemsOf(() => parseRuleFile('rules: [', 'y.yaml'))).toMatch(/y\.yaml: not valid YAML/)
    const rule = `rules:\n  - name: same\n    metric: label_coverage\n    condition: { op: '<', threshold: 0.5 }\n`
    expect(problemsOf(() => parseRuleFiles([{ name: 'a.yaml', text: rule }, { name: 'b.yaml', text: rule }]))).toMatch(/b\.yaml: rules\.0\.name: rule "same" is already defined in a\.yaml/)
  })

  it('accepts the default rules shipped in alerts/', () => {
    const dir = join(import.meta.dirname, '..', '..', 'alerts')
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }))
    const set = parseRuleFiles(files)
    expect(set.rules.map((r) => r.name).sort()).toEqual(['concept-drift-detector', 'disparate-impact', 'dlq-rate', 'f1-drop', 'feature-drift-psi'])
    expect(set.rules.find((r) => r.name === 'f1-drop')).toMatchObject({ metric: 'performance', relativeTo: 'reference', condition: { op: '<', threshold: -0.1 } })
  })

  it('refuses, by path and with the allowed values, a rule that could never fire: a statistic that is not stored, a selector on a dimension the metric lacks', () => {
    const file = (...rules: string[]) => `rules:\n${rules.map((r, i) => `  - name: r${i}\n    condition: { op: '>', threshold: 0.5 }\n${r}`).join('')}`
    const p = problemsOf(() =>
      parseRuleFile(
        file(
          '    metric: drift\n    statistic: pis\n',
          '    metric: performance\n    statistic: F1\n',
          '    metric: fairness\n    statistic: disparate_impact\n',
          '    metric: quality\n    statistic: missing\n',
          '    metric: performance\n    statistic: f1\n    select: { feature: income }\n',
          '    metric: dlq_rate\n    select: { model: loan-approval }\n',
          '    metric: drift\n    statistic: psi\n    select: { group: income }\n',
          '    metric: drift\n    target: concept\n    statistic: psi\n',
          '    metric: drift\n    target: label\n    statistic: ks\n',
          '    metric: performance\n    kind: estimated\n    statistic: pr_auc\n',
          '    metric: performance\n    kind: degradation\n    statistic: f1\n    variant: champion\n    relativeTo: reference\n',
          '    metric: fairness\n    statistic: disparate_impact_ratio\n    select: { groupValue: female }\n',
          '    metric: fairness\n    statistic: selection_rate\n    select: { groupValue: "" }\n',
          '    metric: quality\n    statistic: outlier_rate\n    select: { feature: income }\n',
          '    metric: detector\n    select: { detector: [adwin, page-hinkley] }\n',
          '    metric: label_coverage\n    select: { colour: red }\n',
          '    metric: drift\n    target: calibration\n    statistic: psi\n',
        ),
        'd.yaml',
      ),
    ).split('\n')
    const lines = [
      /^d\.yaml: rules\.0\.statistic: "pis" is not a feature drift statistic: one of score, p_value, .*psi.* \(did you mean "psi"\?\)$/,
      /^d\.yaml: rules\.1\.statistic: "F1" is not a realized performance statistic: one of accuracy, .*f1.* \(did you mean "f1"\?\)$/,
      /^d\.yaml: rules\.2\.statistic: "disparate_impact" is not a fairness statistic: one of .* \(did you mean "disparate_impact_ratio"\?\)$/,
      /^d\.yaml: rules\.3\.statistic: "missing" is not a quality statistic: one of .* \(did you mean "missing_rate"\?\)$/,
      /^d\.yaml: rules\.4\.select\.feature: performance rows have no feature .*: a performance rule selects by model, version$/,
      /^d\.yaml: rules\.5\.select\.model: dlq_rate rows have no model .*: a dlq_rate rule selects by topic$/,
      /^d\.yaml: rules\.6\.select\.group: drift rows have no protected attribute, so this would select nothing: a drift rule selects by model, version, feature$/,
      /^d\.yaml: rules\.7\.statistic: "psi" is not a concept drift statistic: one of score, drift_detected, detections, /,
      /^d\.yaml: rules\.8\.statistic: "ks" is not a label drift statistic: one of /,
      /^d\.yaml: rules\.9\.statistic: "pr_auc" is not an estimated performance statistic: one of accuracy, precision, recall, f1, roc_auc$/,
      /^d\.yaml: rules\.10\.variant: degradation rows are written for variant all only/,
      /^d\.yaml: rules\.10\.relativeTo: degradation rows are already window − reference/,
      /^d\.yaml: rules\.11\.select\.groupValue: disparate_impact_ratio compares the groups: its rows have no group value/,
      /^d\.yaml: rules\.12\.select\.groupValue: '' selects the parity rows, and selection_rate is a per-group rate/,
      /^d\.yaml: rules\.13\.select\.feature: outlier_rate is measured per event, not per feature/,
      /^d\.yaml: rules\.14\.select\.detector\.1: "page-hinkley" is not a detector driftwatch runs: one of ddm, adwin$/,
      /^d\.yaml: rules\.15\.select\.colour: "colour" is not a selector: a label_coverage rule selects by model, version$/,
      /^d\.yaml: rules\.16\.statistic: "psi" is not a calibration drift statistic: one of score, .*ece_difference$/,
    ]
    for (const re of lines) expect(p.some((l) => re.test(l)), `${re}\n${p.join('\n')}`).toBe(true)
    expect(p).toHaveLength(lines.length)
  })

  it('words zod\'s own checks as the configuration does: what is expected and what was given', () => {
    const p = problemsOf(() =>
      parseRuleFile(`rules:\n  - name: a\n    metric: drift\n    severity: urgent\n    condition: { op: '=>', threshold: 0.2, consecutive: 0 }\n  - name: b\n    metric: drift\n    conditon: { op: '>', threshold: 0.2 }\n`, 'w.yaml'),
    ).split('\n')
    expect(p).toEqual(expect.arrayContaining([
      'w.yaml: rules.0.severity: expected one of critical, warning, info, got "urgent"',
      'w.yaml: rules.0.condition.op: expected one of ">", ">=", "<", "<=", "==", "!=", got "=>"',
      'w.yaml: rules.0.condition.consecutive: expected a number >= 1, got 0',
      expect.stringMatching(/^w\.yaml: rules\.1: unknown key "conditon" \(did you mean condition\?\)/),
    ]))
    expect(p.join('\n')).not.toMatch(/Invalid option|Unrecognized key|Too small/)
  })

  it('accepts every statistic each metric stores, and selectors that can match', () => {
    const ok = (yaml: string) => parseRuleFile(`rules:\n  - name: r\n    condition: { op: '>', threshold: 0.5 }\n${yaml}`, 'ok.yaml').rules[0]!
    for (const [target, stats] of Object.entries(DRIFT_STATISTICS)) for (const s of stats) ok(`    metric: drift\n    target: ${target}\n    statistic: ${s}\n`)
    for (const [kind, stats] of Object.entries(PERFORMANCE_STATISTICS)) for (const s of stats) ok(`    metric: performance\n    kind: ${kind}\n    statistic: ${s}\n`)
    for (const s of FAIRNESS_STATISTICS) ok(`    metric: fairness\n    statistic: ${s}\n    select: { group: gender }\n`)
    for (const s of QUALITY_STATISTICS) ok(`    metric: quality\n    statistic: ${s}\n`)
    expect(ok('    metric: fairness\n    statistic: disparate_impact_ratio\n    select: { groupValue: "" }\n').select).toEqual({ groupValue: [''] })
    expect(ok('    metric: fairness\n    statistic: selection_rate\n    select: { groupValue: [female, male] }\n').select).toEqual({ groupValue: ['female', 'male'] })
    expect(ok('    metric: quality\n    statistic: outlier_rate\n    select: { feature: "*" }\n').select).toEqual({ feature: ['*'] })
    expect(ok('    metric: detector\n    select: { detector: [adwin, "d*"] }\n').select).toEqual({ detector: ['adwin', 'd*'] })
    expect(ok('    metric: dlq_rate\n    select: { topic: predictions }\n')).toMatchObject({ select: { topic: ['predictions'] }, period: 3_600_000 })
    expect(ok('    metric: performance\n    statistic: rmse\n    variant: champion\n')).toMatchObject({ variant: 'champion', kind: 'realized' })
  })

  it('says what is expected of a selector value, a silence time and a duration; a duration needs its unit', () => {
    const p = problemsOf(() =>
      parseRuleFile(
        `rules:\n  - name: a\n    metric: drift\n    statistic: psi\n    select: { model: 5 }\n    cooldown: 6\n    condition: { op: '>', threshold: 0.2 }\n` +
          `  - name: b\n    metric: dlq_rate\n    period: 90\n    condition: { op: '>', threshold: 0.2 }\n  - null\n` +
          `silences:\n  - { rule: a, until: tomorrow }\n`,
        'h.yaml',
      ),
    )
    expect(p).toMatch(/h\.yaml: rules\.0\.select\.model: expected a model name or a list of them \(\* matches any run of characters\), e\.g\. model: loan-\*/)
    expect(p).toMatch(/h\.yaml: rules\.0\.cooldown: 6 has no unit: write 6s, 6m or 6h \(a bare number is not read as milliseconds\)/)
    expect(p).toMatch(/h\.yaml: rules\.1\.period: 90 has no unit: write 90s, 90m or 90h/)
    expect(p).toMatch(/h\.yaml: rules\.2: expected a rule: a mapping with name, metric and condition/)
    expect(p).toMatch(/h\.yaml: silences\.0\.until: expected an ISO 8601 time with a zone, like "2026-12-01T00:00:00Z", or a date, like "2026-12-01"/)
    expect(p).not.toMatch(/Invalid input/)
    // A value that is no duration at all says what a duration looks like and what it got.
    const wrong = problemsOf(() => parseRuleFile(`rules:\n  - name: a\n    metric: dlq_rate\n    cooldown: true\n    period: 5x\n    condition: { op: '>', threshold: 0.2 }\nsilences:\n  - { rule: a, until: 5 }\n`, 'w.yaml'))
    expect(wrong.split('\n')).toEqual([
      'w.yaml: rules.0.cooldown: expected a duration such as 30s, 5m, 1h, 7d, got true',
      'w.yaml: rules.0.period: expected a duration such as 30s, 5m, 1h, 7d, got "5x"',
      'w.yaml: silences.0.until: expected an ISO 8601 time with a zone, like "2026-12-01T00:00:00Z", or a date, like "2026-12-01" (UTC), got 5',
    ])
    const zero = parseRuleFile(`rules:\n  - name: z\n    metric: label_coverage\n    cooldown: 0\n    condition: { op: '<', threshold: 0.5 }\n`, 'z.yaml')
    expect(zero.rules[0]!.cooldown).toBe(0)
  })
})
