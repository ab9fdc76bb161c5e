import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DriftwatchError } from '../errors.js'
import { parseRuleFile, parseRuleFiles } from './parse.js'

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
    expect(p).toMatch(/rules\/x\.yaml: rules\.1\.statistic: .*expected string/)
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
})
