/**
 * `driftwatch config validate` with DRIFTWATCH_ALERT_RULES refuses the rules that could never
 * fire (a statistic that is not stored, a selector on a dimension the metric lacks, a duration
 * without its unit), by file and path with what is allowed, and still accepts the bundled rules.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUNDLED_RULES_DIR } from '../src/alerts/load-rules.js'
import { runConfigValidate, type ConfigIo } from '../src/cli/config.js'

function validate(env: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const io: ConfigIo = { exists: () => false, readFile: () => '', out: (l) => out.push(l), err: (l) => err.push(l) }
  return { code: runConfigValidate(env, {}, io), out, err }
}

describe('config validate: alert rules that could never fire', () => {
  it('reports each by file and path, with the allowed values, and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-dead-rules-'))
    writeFileSync(join(dir, 'a.yaml'), [
      'rules:',
      '  - { name: perf-by-feature, metric: performance, statistic: f1, select: { feature: income }, condition: { op: "<", threshold: 0.5 } }',
      '  - { name: dlq-of-model, metric: dlq_rate, select: { model: loan-approval }, condition: { op: ">", threshold: 0.01 } }',
      '  - { name: psi-typo, metric: drift, statistic: pis, condition: { op: ">=", threshold: 0.2 } }',
      '  - { name: f1-typo, metric: performance, statistic: F1, condition: { op: "<", threshold: 0.5 } }',
      '  - { name: di-typo, metric: fairness, statistic: disparate_impact, condition: { op: "<", threshold: 0.8 } }',
      '  - { name: missing-typo, metric: quality, statistic: missing, condition: { op: ">", threshold: 0.2 } }',
      '  - { name: drift-by-group, metric: drift, statistic: psi, select: { group: income }, condition: { op: ">=", threshold: 0.2 } }',
      '  - { name: cool, metric: drift, cooldown: 6, condition: { op: ">=", threshold: 0.2 } }',
      '',
    ].join('\n'))
    const r = validate({ DRIFTWATCH_ALERT_RULES: dir })
    expect(r.code).toBe(2)
    const file = join(dir, 'a.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const expected = [
      'rules\\.0\\.select\\.feature: performance rows have no feature \\(column\\), so this would select nothing: a performance rule selects by model, version',
      'rules\\.1\\.select\\.model: dlq_rate rows have no model .*: a dlq_rate rule selects by topic',
      'rules\\.2\\.statistic: "pis" is not a feature drift statistic: one of score, p_value, .* \\(did you mean "psi"\\?\\)',
      'rules\\.3\\.statistic: "F1" is not a realized performance statistic: one of accuracy, .* \\(did you mean "f1"\\?\\)',
      'rules\\.4\\.statistic: "disparate_impact" is not a fairness statistic: one of .* \\(did you mean "disparate_impact_ratio"\\?\\)',
      'rules\\.5\\.statistic: "missing" is not a quality statistic: one of .* \\(did you mean "missing_rate"\\?\\)',
      'rules\\.6\\.select\\.group: drift rows have no protected attribute, so this would select nothing: a drift rule selects by model, version, feature',
      'rules\\.7\\.cooldown: 6 has no unit: write 6s, 6m or 6h \\(a bare number is not read as milliseconds\\)',
    ]
    expect(r.err).toEqual(['8 configuration problem(s):', ...expected.map((e) => expect.stringMatching(new RegExp(`^ {2}alert rules: ${file}: ${e}$`)))])
  })

  it('accepts the bundled rules', () => {
    const r = validate({ DRIFTWATCH_ALERT_RULES: BUNDLED_RULES_DIR })
    expect([r.code, r.err]).toEqual([0, []])
  })
})
